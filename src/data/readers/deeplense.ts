import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PathGuard } from '../path-guard.js';
import type { DatasetItem, ReadResult, Split } from '../types.js';
import type { DataReader } from './reader.js';

export const DEEPLENSE_DIRS: readonly [string, Split, number][] = [
  ['train_lenses', 'train', 1],
  ['train_nonlenses', 'train', 0],
  // val_* is not DeepLense's, but `lensfind simulate --layout deeplense` writes it for a validation split.
  ['val_lenses', 'val', 1],
  ['val_nonlenses', 'val', 0],
  ['test_lenses', 'test', 1],
  ['test_nonlenses', 'test', 0],
];

/**
 * DeepLense layout: train_lenses/, train_nonlenses/, test_lenses/, test_nonlenses/ of .npy [3, 64, 64] (or .fits,
 * as `lensfind simulate --format fits` writes). Links out of the folder, loops, FIFOs and devices are skipped.
 */
export function readDeepLenseFolder(root: string, dataRoot?: string): ReadResult {
  const guard = new PathGuard(root, dataRoot);
  const items: DatasetItem[] = [];
  for (const [dir, split, label] of DEEPLENSE_DIRS) {
    const full = path.join(root, dir);
    if (!existsSync(full)) continue;
    for (const name of readdirSync(full)
      .filter((f) => /\.(npy|fits|fits\.fz)$/.test(f))
      .sort()) {
      const source = guard.source(`${dir}/${name}`);
      if (source)
        items.push({
          id: `${dir}/${name.replace(/\.(npy|fits|fits\.fz)$/, '')}`,
          label,
          split,
          source,
          meta: {},
        });
    }
  }
  return { items, skipped: guard.skipped };
}

export const deeplenseReader = {
  name: 'deeplense',
  looksFor: 'train_lenses/, train_nonlenses/ etc.',
  detect: (p, stats) => stats.isDirectory() && DEEPLENSE_DIRS.some(([d]) => existsSync(path.join(p, d))),
  list: (root, opts) => readDeepLenseFolder(root, opts.dataRoot),
} as const satisfies DataReader;

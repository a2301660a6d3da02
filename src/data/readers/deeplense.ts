import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DatasetItem, Split } from '../types.js';

export const DEEPLENSE_DIRS: readonly [string, Split, number][] = [
  ['train_lenses', 'train', 1],
  ['train_nonlenses', 'train', 0],
  // val_* is not DeepLense's, but `lensfind simulate --layout deeplense` writes it for a validation split.
  ['val_lenses', 'val', 1],
  ['val_nonlenses', 'val', 0],
  ['test_lenses', 'test', 1],
  ['test_nonlenses', 'test', 0],
];

/** DeepLense layout: train_lenses/, train_nonlenses/, test_lenses/, test_nonlenses/ of .npy [3, 64, 64] (or .fits, as `lensfind simulate --format fits` writes). */
export function readDeepLenseFolder(root: string): DatasetItem[] {
  const items: DatasetItem[] = [];
  for (const [dir, split, label] of DEEPLENSE_DIRS) {
    const full = path.join(root, dir);
    if (!existsSync(full)) continue;
    for (const name of readdirSync(full)
      .filter((f) => /\.(npy|fits)$/.test(f))
      .sort()) {
      items.push({
        id: `${dir}/${name.replace(/\.(npy|fits)$/, '')}`,
        label,
        split,
        source: { file: path.join(full, name) },
        meta: {},
      });
    }
  }
  return items;
}

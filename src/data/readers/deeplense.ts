import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DatasetItem, Split } from '../types.js';

export const DEEPLENSE_DIRS: readonly [string, Split, number][] = [
  ['train_lenses', 'train', 1],
  ['train_nonlenses', 'train', 0],
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
      .filter((f) => f.endsWith('.npy'))
      .sort()) {
      items.push({
        id: `${dir}/${name.slice(0, -4)}`,
        label,
        split,
        source: { file: path.join(full, name) },
        meta: {},
      });
    }
  }
  return items;
}

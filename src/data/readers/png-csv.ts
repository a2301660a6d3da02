import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../errors.js';
import { readCsv } from '../../io/csv.js';
import { PathGuard } from '../path-guard.js';
import type { DatasetItem, ReadResult, Split } from '../types.js';
import { parseLabel, parseMeta } from './common.js';
import type { DataReader } from './reader.js';

const CSVS: readonly [string, Split][] = [
  ['train.csv', 'train'],
  ['val.csv', 'val'],
  ['test.csv', 'test'],
];
const CORE = new Set(['image_path', 'label', 'id']);

/** PNG (or JPEG/TIFF) images listed in train.csv / val.csv / test.csv with columns image_path,label. */
export function readPngCsvFolder(root: string, dataRoot?: string): ReadResult {
  const guard = new PathGuard(root, dataRoot);
  const items: DatasetItem[] = [];
  for (const [name, split] of CSVS) {
    const csv = path.join(root, name);
    if (!existsSync(csv)) continue;
    const rows = readCsv(csv);
    if (rows.length > 0 && !('image_path' in rows[0] && 'label' in rows[0])) {
      throw new DataError(`${csv}: expected columns image_path,label`, csv);
    }
    rows.forEach((row, n) => {
      const where = `${csv}: line ${n + 2}`;
      const label = parseLabel(row.label, where);
      const source = guard.source(row.image_path, where);
      if (source)
        items.push({ id: row.id || row.image_path, label, split, source, meta: parseMeta(row, CORE) });
    });
  }
  return { items, skipped: guard.skipped };
}

export const pngCsvReader = {
  name: 'png-csv',
  looksFor: 'train.csv/test.csv of image_path,label',
  detect: (p, stats) => stats.isDirectory() && CSVS.some(([f]) => existsSync(path.join(p, f))),
  list: (root, opts) => readPngCsvFolder(root, opts.dataRoot),
} as const satisfies DataReader;

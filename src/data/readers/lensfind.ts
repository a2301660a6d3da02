import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../errors.js';
import { readCsv } from '../../io/csv.js';
import type { DatasetItem } from '../types.js';
import { parseLabel, parseMeta, parsePathRef, parseSplit } from './common.js';

const CORE = new Set(['id', 'split', 'label', 'path']);

/** A lensfind dataset folder: manifest.csv with id, split, label, path (`images/shard-00003.npy#17`) + metadata. */
export function readLensfindFolder(root: string): DatasetItem[] {
  const manifest = path.join(root, 'manifest.csv');
  if (!existsSync(manifest)) {
    if (existsSync(path.join(root, 'manifest.parquet'))) {
      throw new DataError(`${root}: manifest.parquet is not supported yet; write manifest.csv`, root);
    }
    throw new DataError(`${root}: no manifest.csv`, root);
  }
  const rows = readCsv(manifest);
  if (rows.length > 0) {
    for (const col of ['label', 'path']) {
      if (!(col in rows[0]))
        throw new DataError(
          `${manifest}: missing column '${col}' (expected id, split, label, path)`,
          manifest,
        );
    }
  }
  return rows.map((row, n) => {
    const where = `${manifest}: line ${n + 2}`;
    const ref = parsePathRef(row.path);
    return {
      id: row.id || ref.file + (ref.index !== undefined ? `#${ref.index}` : ''),
      label: parseLabel(row.label, where),
      split: parseSplit(row.split, where),
      source: { file: path.resolve(root, ref.file), index: ref.index },
      meta: parseMeta(row, CORE),
    };
  });
}

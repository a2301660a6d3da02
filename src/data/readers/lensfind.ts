import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../errors.js';
import { readCsv } from '../../io/csv.js';
import { PathGuard } from '../path-guard.js';
import type { DatasetItem, ReadResult } from '../types.js';
import { parseLabel, parseMeta, parsePathRef, parseSplit } from './common.js';

const CORE = new Set(['id', 'split', 'label', 'path']);

/**
 * A lensfind dataset folder: manifest.csv with id, split, label, path (`images/shard-00003.npy#17`) + metadata.
 * Paths must stay inside the folder (or `dataRoot`); other rows are skipped (PathGuard).
 */
export function readLensfindFolder(root: string, dataRoot?: string): ReadResult {
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
  const guard = new PathGuard(root, dataRoot);
  const items: DatasetItem[] = [];
  rows.forEach((row, n) => {
    const where = `${manifest}: line ${n + 2}`;
    const ref = parsePathRef(row.path);
    const label = parseLabel(row.label, where);
    const split = parseSplit(row.split, where);
    const source = guard.source(ref.file, where, { index: ref.index });
    if (!source) return;
    const id = row.id || ref.file + (ref.index !== undefined ? `#${ref.index}` : '');
    items.push({ id, label, split, source, meta: parseMeta(row, CORE) });
  });
  return { items, skipped: guard.skipped };
}

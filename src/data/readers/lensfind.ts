import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../errors.js';
import { readCsv } from '../../io/csv.js';
import { PathGuard } from '../path-guard.js';
import type { DatasetItem, ReadResult } from '../types.js';
import { parseLabel, parseMeta, parsePathRef, parseSplit } from './common.js';
import type { DataReader } from './reader.js';

const CORE = new Set(['id', 'split', 'label', 'path', 'row']);

/**
 * A lensfind dataset folder: manifest.csv with id, split, label, path (`images/shard-00003.npy#17`) + metadata.
 * The item of a shard may instead be given in a `row` column (`path` = `images/shard-00003.npy`, `row` = 17); lensfind
 * simulate writes both. Paths must stay inside the folder (or `dataRoot`); other rows are skipped (PathGuard).
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
    const ref = withRow(parsePathRef(row.path), row.row, where);
    const label = parseLabel(row.label, where);
    const split = parseSplit(row.split, where);
    const source = guard.source(ref.file, where, { index: ref.index });
    if (!source) return;
    const id = row.id || ref.file + (ref.index !== undefined ? `#${ref.index}` : '');
    items.push({ id, label, split, source, meta: parseMeta(row, CORE) });
  });
  return { items, skipped: guard.skipped };
}

/** The shard row from the `row` column when the path has no `#row`; the two must agree when both are given. */
function withRow(ref: { file: string; index?: number }, row: string | undefined, where: string) {
  if (row === undefined || row.trim() === '') return ref;
  const n = Number(row);
  if (!Number.isInteger(n) || n < 0) {
    throw new DataError(
      `${where}: column 'row' must be a non-negative integer (the item of the shard), found '${row}'`,
    );
  }
  if (ref.index !== undefined && ref.index !== n) {
    throw new DataError(`${where}: path says item #${ref.index} of the shard, column 'row' says ${n}`);
  }
  return { file: ref.file, index: n };
}

export const lensfindReader = {
  name: 'lensfind',
  looksFor: 'manifest.csv',
  detect: (p, stats) =>
    stats.isDirectory() &&
    (existsSync(path.join(p, 'manifest.csv')) || existsSync(path.join(p, 'manifest.parquet'))),
  list: (root, opts) => readLensfindFolder(root, opts.dataRoot),
} as const satisfies DataReader;

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../errors.js';
import { readCsv } from '../../io/csv.js';
import { PathGuard } from '../path-guard.js';
import type { DatasetItem, ReadResult } from '../types.js';
import { parseLabel, parseMeta, parsePathRef, parseSplit } from './common.js';
import type { DataReader } from './reader.js';

const FILE_COLUMNS = ['file', 'path', 'image_path', 'filename'];

/** The labels table of a FITS folder: labels.csv, or the folder's only .csv. */
export function findLabelsCsv(root: string): string {
  const named = path.join(root, 'labels.csv');
  if (existsSync(named)) return named;
  const csvs = readdirSync(root).filter((f) => f.endsWith('.csv'));
  if (csvs.length === 1) return path.join(root, csvs[0]);
  throw new DataError(
    `${root}: a FITS folder needs labels.csv (columns file,label[,split,id]); found ${csvs.length ? csvs.join(', ') : 'no .csv'}`,
    root,
  );
}

/** FITS images ([H, W]) or cubes ([bands, H, W]) listed in a labels csv. */
export function readFitsFolder(root: string, dataRoot?: string): ReadResult {
  const csv = findLabelsCsv(root);
  const rows = readCsv(csv);
  const fileCol = rows.length > 0 ? FILE_COLUMNS.find((c) => c in rows[0]) : 'file';
  if (!fileCol || (rows.length > 0 && !('label' in rows[0]))) {
    throw new DataError(
      `${csv}: expected a file column (${FILE_COLUMNS.join(' or ')}) and a label column`,
      csv,
    );
  }
  const core = new Set([fileCol, 'label', 'split', 'id']);
  const guard = new PathGuard(root, dataRoot);
  const items: DatasetItem[] = [];
  rows.forEach((row, n) => {
    const where = `${csv}: line ${n + 2}`;
    const ref = parsePathRef(row[fileCol]);
    const label = parseLabel(row.label, where);
    const split = parseSplit(row.split, where);
    const source = guard.source(ref.file, where, { index: ref.index });
    if (source) items.push({ id: row.id || row[fileCol], label, split, source, meta: parseMeta(row, core) });
  });
  return { items, skipped: guard.skipped };
}

const FITS_FILE = /\.(fits|fit|fts)(\.fz)?$|\.fz$/i;

export const fitsReader = {
  name: 'fits',
  looksFor: '.fits files with labels.csv',
  detect: (p, stats) => stats.isDirectory() && readdirSync(p).some((f) => FITS_FILE.test(f)),
  list: (root, opts) => readFitsFolder(root, opts.dataRoot),
} as const satisfies DataReader;

/**
 * A deflector catalogue: a CSV with a `theta_E` column (arcsec) and a key column matching the cutouts: `id` (the
 * reader's id of the cutout), or a file name (`file`, `filename`, `path`, `image_path`), matched by the file's base
 * name with or without its extension (`#index` kept for items of a stack).
 */
import path from 'node:path';
import { DataError } from '../errors.js';
import { readCsv } from '../io/csv.js';
import type { DatasetItem } from '../data/types.js';

const KEY_COLUMNS = ['id', 'file', 'filename', 'path', 'image_path'];

export interface DeflectorCatalog {
  file: string;
  /** θ_E by key (ids and file names). */
  thetaE: Map<string, number>;
}

function fileKeys(ref: string): string[] {
  const m = /^(.*?)(#\d+)?$/.exec(ref.trim())!;
  const base = path.basename(m[1]);
  const stem = base.replace(/\.[^.]+$/, '');
  const tail = m[2] ?? '';
  return [...new Set([ref.trim(), `${base}${tail}`, `${stem}${tail}`])];
}

export function readDeflectorCatalog(file: string): DeflectorCatalog {
  const rows = readCsv(file);
  const cols = rows.length > 0 ? Object.keys(rows[0]) : [];
  const keys = KEY_COLUMNS.filter((c) => cols.includes(c));
  if (!cols.includes('theta_E') || keys.length === 0)
    throw new DataError(
      `${file}: a deflector catalogue needs a theta_E column and one of ${KEY_COLUMNS.join(', ')} (found: ${cols.join(', ') || 'no columns'})`,
      file,
    );
  const thetaE = new Map<string, number>();
  rows.forEach((row, n) => {
    const v = Number(row.theta_E);
    if (row.theta_E.trim() === '') return;
    if (!(v > 0))
      throw new DataError(`${file}: line ${n + 2}: theta_E '${row.theta_E}' is not a positive number`, file);
    for (const k of keys) {
      if (!row[k]) continue;
      for (const key of k === 'id' ? [row[k].trim()] : fileKeys(row[k])) thetaE.set(key, v);
    }
  });
  return { file, thetaE };
}

/** θ_E of a cutout: by its id, else by its file's name (with `#index` for a stack's items). */
export function catalogThetaE(cat: DeflectorCatalog, item: DatasetItem): number | undefined {
  const byId = cat.thetaE.get(item.id);
  if (byId !== undefined) return byId;
  const ref = item.source.file + (item.source.index !== undefined ? `#${item.source.index}` : '');
  for (const k of fileKeys(ref)) {
    const v = cat.thetaE.get(k);
    if (v !== undefined) return v;
  }
  return undefined;
}

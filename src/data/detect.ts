import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';
import { DEEPLENSE_DIRS } from './readers/deeplense.js';
import type { DataFormat } from './types.js';

/** Guesses the layout of a dataset path; the error lists what was looked for. */
export function detectFormat(p: string): DataFormat {
  let st;
  try {
    st = statSync(p);
  } catch {
    throw new DataError(`${p}: no such file or folder`, p);
  }
  if (st.isFile()) {
    const ext = path.extname(p).toLowerCase();
    if (ext === '.npy' || ext === '.npz') return 'stack';
    throw new DataError(`${p}: a dataset file must be an .npy or .npz stack (or give a folder)`, p);
  }
  if (existsSync(path.join(p, 'manifest.csv')) || existsSync(path.join(p, 'manifest.parquet')))
    return 'lensfind';
  if (DEEPLENSE_DIRS.some(([d]) => existsSync(path.join(p, d)))) return 'deeplense';
  if (['train.csv', 'val.csv', 'test.csv'].some((f) => existsSync(path.join(p, f)))) return 'png-csv';
  const files = readdirSync(p);
  if (files.some((f) => /\.(fits|fit|fts)(\.fz)?$|\.fz$/i.test(f))) return 'fits';
  throw new DataError(
    `${p}: unknown dataset layout: expected manifest.csv (lensfind), train_lenses/ etc. (DeepLense), ` +
      `train.csv/test.csv (PNG + CSV), .fits files with labels.csv, or an .npy/.npz stack`,
    p,
  );
}

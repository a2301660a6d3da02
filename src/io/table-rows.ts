import path from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { DataError } from '../errors.js';
import { readCsv } from './csv.js';

/**
 * The rows of a .csv or .parquet table as plain objects: CSV values as strings, Parquet values as stored (numbers,
 * bigints, strings, null). `label` starts the error for any other extension, e.g. `--catalog objects.txt`.
 */
export async function readTableRows(file: string, label = file): Promise<Record<string, unknown>[]> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return readCsv(file);
  if (ext === '.parquet') {
    return (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as Record<string, unknown>[];
  }
  throw new DataError(`${label}: expected a .csv or .parquet table, got '${ext || 'no extension'}'`, file);
}

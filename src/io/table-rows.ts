import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { DataError } from '../errors.js';
import { readCsv } from './csv.js';
import { readRegularFile } from './read-fd.js';

/**
 * The rows of a .csv or .parquet table as plain objects: CSV values as strings, Parquet values as stored (numbers,
 * bigints, strings, null). `label` starts the error for any other extension, e.g. `--catalog objects.txt`.
 */
export async function readTableRows(file: string, label = file): Promise<Record<string, unknown>[]> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return readCsv(file);
  if (ext === '.parquet') {
    // read like every other input: regular files only, so a FIFO or a device cannot hang or flood it
    const bytes = readRegularFile(file);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
  }
  throw new DataError(`${label}: expected a .csv or .parquet table, got '${ext || 'no extension'}'`, file);
}

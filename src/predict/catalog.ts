import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { LensfindError } from '../errors.js';
import { tempPathFor } from '../io/atomic.js';
import { writeParquetGroups, type ParquetColumn } from '../io/parquet-file.js';
import { formatCsv, type CsvRow } from '../io/csv.js';
import { makeDirs } from '../io/mkdirs.js';

/** The candidate catalogue's format from its file name: `.csv` or `.parquet`. */
export function catalogFormat(file: string): 'csv' | 'parquet' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.parquet') return 'parquet';
  throw new LensfindError(
    'E_USAGE',
    `${file}: unknown catalogue type '${ext}'; expected a .csv or .parquet file name`,
  );
}

/**
 * Writes the catalogue as Parquet (hyparquet-writer, pure JavaScript, Snappy-compressed): string columns for
 * text, DOUBLE for scores, INT32 for ranks; atomic (temporary file + rename). Rows are asked for twice: once for
 * the columns' types (a column is DOUBLE when all its values are numbers or null), then one row group at a time
 * for the values, so a million-row catalogue never holds more than one row group (100,000 rows).
 */
export function writeParquetCatalog(
  file: string,
  columns: readonly string[],
  count: number,
  row: (k: number) => CsvRow,
): void {
  const numeric = columns.map((c) => c !== 'rank');
  for (let k = 0; k < count; k++) {
    const r = row(k);
    columns.forEach((c, j) => {
      const v = r[c] ?? null;
      if (numeric[j] && v !== null && typeof v !== 'number') numeric[j] = false;
    });
  }
  const types: ParquetColumn[] = columns.map((name, j) => ({
    name,
    type: name === 'rank' ? 'INT32' : numeric[j] ? 'DOUBLE' : 'STRING',
  }));
  writeParquetGroups(file, types, count, (start, end) => {
    const values = columns.map(() => new Array<unknown>(end - start));
    for (let k = start; k < end; k++) {
      const r = row(k);
      columns.forEach((c, j) => {
        const v = r[c] ?? null;
        values[j][k - start] = types[j].type === 'STRING' && v !== null ? String(v) : v;
      });
    }
    return values;
  });
}

/**
 * Writes CSV rows in chunks to a temporary file beside `file`, then renames it into place: the catalogue is
 * complete or absent, and the text of a million rows is never held at once.
 */
export function writeCsvStreamed(
  file: string,
  columns: readonly string[],
  count: number,
  row: (k: number) => CsvRow,
  chunk = 10000,
): void {
  makeDirs(path.dirname(path.resolve(file)));
  const tmp = tempPathFor(file);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, formatCsv([], columns));
    for (let start = 0; start < count; start += chunk) {
      const rows: CsvRow[] = [];
      for (let k = start; k < Math.min(count, start + chunk); k++) rows.push(row(k));
      // formatCsv writes a header line first: drop it.
      const text = formatCsv(rows, columns);
      writeSync(fd, text.slice(text.indexOf('\n') + 1));
    }
    closeSync(fd);
    renameSync(tmp, file);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    rmSync(tmp, { force: true });
    throw err;
  }
}

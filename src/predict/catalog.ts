import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { LensfindError } from '../errors.js';
import { tempPathFor } from '../io/atomic.js';
import { formatCsv, type CsvRow } from '../io/csv.js';

/**
 * The candidate catalogue's format from its file name. Only CSV is written: a Parquet writer would need a new
 * dependency (e.g. @dsnp/parquetjs), which lensfind does not carry yet.
 */
export function catalogFormat(file: string): 'csv' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.parquet') {
    throw new LensfindError(
      'E_USAGE',
      `${file}: Parquet output is not available (lensfind has no Parquet writer installed); ` +
        `write CSV instead: --out ${file.slice(0, -'.parquet'.length)}.csv`,
    );
  }
  throw new LensfindError('E_USAGE', `${file}: unknown catalogue type '${ext}'; expected a .csv file name`);
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
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
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

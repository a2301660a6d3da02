import { writeFileAtomic } from './atomic.js';
import { readRegularFile } from './read-fd.js';
import { DataError } from '../errors.js';

export type CsvValue = string | number | boolean | null | undefined;
export type CsvRow = Record<string, CsvValue>;

function quote(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Formats rows as RFC 4180 CSV with a header line; `columns` fixes the order (default: keys of the first row). */
export function formatCsv(rows: readonly CsvRow[], columns?: readonly string[]): string {
  const cols = columns ?? (rows.length > 0 ? Object.keys(rows[0]) : []);
  const lines = [cols.map(quote).join(',')];
  for (const row of rows) lines.push(cols.map((c) => quote(row[c])).join(','));
  return lines.join('\n') + '\n';
}

export function writeCsv(file: string, rows: readonly CsvRow[], columns?: readonly string[]): void {
  writeFileAtomic(file, formatCsv(rows, columns));
}

/** Parses CSV text with a header line into rows of strings (quoted fields, embedded commas and newlines). */
export function parseCsv(text: string, source = '<csv>'): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      field = '';
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
    } else field += ch;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  if (inQuotes) throw new DataError(`${source}: unterminated quoted field`, source);
  if (records.length === 0) throw new DataError(`${source}: empty CSV file (expected a header line)`, source);
  const header = records[0].map((h) => h.trim());
  return records.slice(1).map((r, n) => {
    if (r.length !== header.length) {
      throw new DataError(
        `${source}: line ${n + 2} has ${r.length} fields, the header has ${header.length}`,
        source,
      );
    }
    return Object.fromEntries(header.map((h, i) => [h, r[i]]));
  });
}

export function readCsv(file: string): Record<string, string>[] {
  return parseCsv(readRegularFile(file).toString('utf8'), file);
}

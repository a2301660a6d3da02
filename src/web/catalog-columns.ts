import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { DecodedArray } from 'hyparquet';
import { LensfindError } from '../errors.js';
import { readCsvColumns } from '../io/csv.js';
import { readRegularFile } from '../io/read-fd.js';
import { catalogFormat } from '../predict/catalog.js';

/**
 * One catalogue column, held whole: numbers in a Float64Array (NaN where a cell is empty or not finite), anything
 * else as strings (null where empty). A 100,000-row catalogue is a few typed arrays, not 100,000 row objects.
 */
export type CatalogColumn =
  { kind: 'number'; values: Float64Array } | { kind: 'text'; values: (string | null)[] };

/** Fills one column from chunks of decoded values; becomes text at the first value that is not a number. */
class ColumnBuilder {
  private numbers: Float64Array | null;
  private texts: (string | null)[] | null = null;

  constructor(
    private readonly n: number,
    numeric: boolean,
  ) {
    this.numbers = numeric ? new Float64Array(n).fill(NaN) : null;
    if (!numeric) this.texts = new Array<string | null>(n).fill(null);
  }

  private toText(): (string | null)[] {
    const nums = this.numbers!;
    this.texts = Array.from(nums, (v) => (Number.isNaN(v) ? null : String(v)));
    this.numbers = null;
    return this.texts;
  }

  put(data: DecodedArray, rowStart: number): void {
    const end = Math.min(this.n, rowStart + data.length);
    if (
      this.numbers &&
      (data instanceof Float64Array || data instanceof Float32Array || data instanceof Int32Array)
    ) {
      this.numbers.set(data.subarray(0, end - rowStart), rowStart);
      return;
    }
    for (let i = rowStart; i < end; i++) {
      const v: unknown = data[i - rowStart];
      if (this.numbers) {
        if (v === null || v === undefined) continue;
        if (typeof v === 'number') this.numbers[i] = v;
        else if (typeof v === 'bigint') this.numbers[i] = Number(v);
        else if (typeof v === 'boolean') this.numbers[i] = v ? 1 : 0;
        else this.toText()[i] = textOf(v);
      } else this.texts![i] = v === null || v === undefined ? null : textOf(v);
    }
  }

  done(): CatalogColumn {
    if (this.numbers) {
      for (let i = 0; i < this.n; i++) if (!Number.isFinite(this.numbers[i])) this.numbers[i] = NaN;
      return { kind: 'number', values: this.numbers };
    }
    return { kind: 'text', values: this.texts! };
  }
}

function textOf(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return String(v);
}

const NUMERIC_TYPES = new Set(['INT32', 'INT64', 'FLOAT', 'DOUBLE', 'BOOLEAN']);

/** A Parquet file's top-level columns, read column by column (no row objects). */
async function readParquetColumns(file: string): Promise<Map<string, CatalogColumn>> {
  // Read whole, at once: a catalogue is megabytes, and hyparquet's many small async reads each wait their turn in
  // libuv's pool, which on a loaded machine took seconds.
  const bytes = readRegularFile(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = await parquetMetadataAsync(buffer);
  const n = Number(metadata.num_rows);
  const builders = new Map<string, ColumnBuilder>();
  for (const child of parquetSchema(metadata).children) {
    const e = child.element;
    // Dates and times decode to objects; nested columns to arrays: both are shown as text.
    const numeric =
      child.children.length === 0 &&
      NUMERIC_TYPES.has(e.type ?? '') &&
      !['DATE', 'TIMESTAMP', 'TIME'].includes(e.logical_type?.type ?? '') &&
      !/^(DATE|TIME|TIMESTAMP)/.test(e.converted_type ?? '');
    builders.set(e.name, new ColumnBuilder(n, numeric));
  }
  await parquetRead({
    file: buffer,
    metadata,
    rowFormat: 'array',
    onChunk: ({ columnName, columnData, rowStart }) => builders.get(columnName)?.put(columnData, rowStart),
  });
  return new Map([...builders].map(([name, b]) => [name, b.done()]));
}

/** A CSV file's columns; a column whose every non-empty field parses as a finite number is numeric. */
function readCsvCatalogColumns(file: string): Map<string, CatalogColumn> {
  const { header, columns } = readCsvColumns(file);
  const out = new Map<string, CatalogColumn>();
  header.forEach((name, c) => {
    const text = columns[c];
    const values = new Float64Array(text.length);
    let numeric = true;
    for (let i = 0; i < text.length && numeric; i++) {
      const t = text[i];
      if (t === '') values[i] = NaN;
      else {
        const v = Number(t);
        numeric = Number.isFinite(v) && t.trim() !== '';
        values[i] = v;
      }
    }
    out.set(
      name,
      numeric ? { kind: 'number', values } : { kind: 'text', values: text.map((t) => (t === '' ? null : t)) },
    );
  });
  return out;
}

/** Reads a catalogue (.parquet or .csv) by column. */
export async function readCatalogColumns(file: string): Promise<Map<string, CatalogColumn>> {
  const format = catalogFormat(file);
  try {
    return format === 'parquet' ? await readParquetColumns(file) : readCsvCatalogColumns(file);
  } catch (err) {
    if (err instanceof LensfindError) throw err;
    throw new LensfindError('E_CATALOG', `${file}: cannot read the catalogue: ${(err as Error).message}`);
  }
}

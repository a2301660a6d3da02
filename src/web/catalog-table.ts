import path from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { LensfindError } from '../errors.js';
import { readCsv } from '../io/csv.js';
import { catalogFormat } from '../predict/catalog.js';

export type Cell = string | number | null;

/** One filter on a column: `score >= 0.9`, `id contains 'J12'`. */
export interface ColumnFilter {
  column: string;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains';
  value: string | number;
}
export const FILTER_OPS: readonly ColumnFilter['op'][] = ['=', '!=', '<', '<=', '>', '>=', 'contains'];

export interface ViewQuery {
  sort?: string;
  order?: 'asc' | 'desc';
  filters?: ColumnFilter[];
}

/**
 * A candidate catalogue held in memory by column (a `predict` output, or any Parquet/CSV with a column of cutout
 * paths). Views (sorted, filtered orders of the rows) are computed once per query and cached, so the page asks for
 * rows a page at a time and never receives the whole table.
 */
export class CatalogTable {
  readonly n: number;
  readonly columns: string[];
  /** Which columns hold numbers only (nulls allowed): they sort and compare as numbers. */
  readonly numeric: Set<string>;
  /** The candidate's key for grades: the `id` column when it is unique, else the row number. */
  readonly ids: string[];
  private readonly idSet: Set<string>;
  private readonly data: Map<string, Cell[]>;
  private readonly views = new Map<string, Int32Array>();

  constructor(
    readonly file: string,
    data: Map<string, Cell[]>,
  ) {
    this.data = data;
    this.columns = [...data.keys()];
    this.n = this.columns.length ? data.get(this.columns[0])!.length : 0;
    this.numeric = new Set(
      this.columns.filter((c) => data.get(c)!.every((v) => v === null || typeof v === 'number')),
    );
    const id = data.get('id');
    const unique = id && new Set(id.map(String)).size === this.n;
    this.ids = unique ? id.map(String) : Array.from({ length: this.n }, (_, i) => String(i));
    this.idSet = new Set(this.ids);
  }

  hasId(id: string): boolean {
    return this.idSet.has(id);
  }

  cell(row: number, column: string): Cell {
    return this.data.get(column)?.[row] ?? null;
  }

  row(row: number): Record<string, Cell> {
    return Object.fromEntries(this.columns.map((c) => [c, this.data.get(c)![row]]));
  }

  private checkColumn(column: string, what: string): Cell[] {
    const col = this.data.get(column);
    if (!col) {
      throw new LensfindError(
        'E_QUERY',
        `${what}: unknown column '${column}' of ${this.file}; its columns are ${this.columns.join(', ')}`,
      );
    }
    return col;
  }

  /** The rows of a view, in order: filtered, then sorted (nulls last, ties in catalogue order). */
  view(q: ViewQuery): Int32Array {
    const key = JSON.stringify([q.sort ?? null, q.order ?? 'desc', q.filters ?? []]);
    const cached = this.views.get(key);
    if (cached) return cached;
    const tests = (q.filters ?? []).map((f) => this.filterTest(f));
    const keep: number[] = [];
    for (let i = 0; i < this.n; i++) if (tests.every((t) => t(i))) keep.push(i);
    if (q.sort) {
      const col = this.checkColumn(q.sort, 'sort');
      const sign = q.order === 'asc' ? 1 : -1;
      const num = this.numeric.has(q.sort);
      keep.sort((a, b) => {
        const x = col[a];
        const y = col[b];
        if (x === null || y === null || x === y) return x === y ? a - b : x === null ? 1 : -1;
        const c = num ? (x as number) - (y as number) : String(x) < String(y) ? -1 : 1;
        return c === 0 ? a - b : sign * c;
      });
    }
    const out = Int32Array.from(keep);
    if (this.views.size > 32) this.views.delete(this.views.keys().next().value!);
    this.views.set(key, out);
    return out;
  }

  private filterTest(f: ColumnFilter): (i: number) => boolean {
    const col = this.checkColumn(f.column, 'filter');
    if (!FILTER_OPS.includes(f.op)) {
      throw new LensfindError(
        'E_QUERY',
        `filter on '${f.column}': operator '${f.op}'; expected one of ${FILTER_OPS.join(' ')}`,
      );
    }
    if (f.op === 'contains') {
      const needle = String(f.value).toLowerCase();
      return (i) => col[i] !== null && String(col[i]).toLowerCase().includes(needle);
    }
    const num = this.numeric.has(f.column);
    const v = num ? Number(f.value) : String(f.value);
    if (num && !Number.isFinite(v)) {
      throw new LensfindError(
        'E_QUERY',
        `filter on '${f.column}': ${JSON.stringify(f.value)} is not a number`,
      );
    }
    const cmp = (x: Cell): number =>
      num ? (x as number) - (v as number) : String(x) < v ? -1 : String(x) > v ? 1 : 0;
    const ops: Record<string, (c: number) => boolean> = {
      '=': (c) => c === 0,
      '!=': (c) => c !== 0,
      '<': (c) => c < 0,
      '<=': (c) => c <= 0,
      '>': (c) => c > 0,
      '>=': (c) => c >= 0,
    };
    const test = ops[f.op];
    return (i) => col[i] !== null && test(cmp(col[i]));
  }
}

function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return String(v);
}

/** Reads a catalogue (.parquet or .csv) into a CatalogTable; CSV columns that all parse as numbers become numbers. */
export async function readCatalogTable(file: string): Promise<CatalogTable> {
  const format = catalogFormat(file);
  const data = new Map<string, Cell[]>();
  try {
    if (format === 'parquet') {
      const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as Record<
        string,
        unknown
      >[];
      const names = rows.length ? Object.keys(rows[0]) : [];
      for (const c of names)
        data.set(
          c,
          rows.map((r) => toCell(r[c])),
        );
    } else {
      const rows = readCsv(file);
      const names = rows.length ? Object.keys(rows[0]) : [];
      for (const c of names) {
        const text = rows.map((r) => r[c]);
        const numeric = text.every((t) => t === '' || (t.trim() !== '' && Number.isFinite(Number(t))));
        data.set(
          c,
          text.map((t) => (t === '' ? null : numeric ? Number(t) : t)),
        );
      }
    }
  } catch (err) {
    if (err instanceof LensfindError) throw err;
    throw new LensfindError('E_CATALOG', `${file}: cannot read the catalogue: ${(err as Error).message}`);
  }
  if (data.size === 0) throw new LensfindError('E_CATALOG', `${file}: the catalogue has no rows`);
  return new CatalogTable(path.resolve(file), data);
}

import path from 'node:path';
import { LensfindError } from '../errors.js';
import { readCatalogColumns, type CatalogColumn } from './catalog-columns.js';
import { sortRowsByNumber } from './sort-rows.js';

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
 * paths): typed arrays for numbers, string arrays for text. Views (sorted, filtered orders of the rows) are index
 * arrays computed once per query and cached; rows are built only for the page the server sends.
 */
export class CatalogTable {
  readonly n: number;
  readonly columns: string[];
  /** Which columns hold numbers only (nulls allowed): they sort and compare as numbers. */
  readonly numeric: Set<string>;
  private readonly data: Map<string, CatalogColumn>;
  /** The `id` column's row of each id, when that column is unique; else ids are row numbers. */
  private readonly idRow: Map<string, number> | null;
  private readonly idText: (row: number) => string;
  private readonly views = new Map<string, Int32Array>();

  constructor(
    readonly file: string,
    data: Map<string, CatalogColumn>,
  ) {
    this.data = data;
    this.columns = [...data.keys()];
    this.n = this.columns.length ? data.get(this.columns[0])!.values.length : 0;
    this.numeric = new Set(this.columns.filter((c) => data.get(c)!.kind === 'number'));
    const id = data.get('id');
    let idRow: Map<string, number> | null = null;
    if (id) {
      const text = (r: number) => cellOf(id, r);
      idRow = new Map();
      for (let r = 0; r < this.n; r++) idRow.set(String(text(r)), r);
      if (idRow.size !== this.n) idRow = null;
    }
    this.idRow = idRow;
    this.idText = idRow ? (r) => String(cellOf(id!, r)) : (r) => String(r);
  }

  /** The candidate's key for grades: its `id` when that column is unique, else its row number. */
  id(row: number): string {
    return this.idText(row);
  }

  /** The row of a candidate key, or -1. */
  rowOf(id: string): number {
    if (this.idRow) return this.idRow.get(id) ?? -1;
    const r = Number(id);
    return /^\d+$/.test(id) && r < this.n ? r : -1;
  }

  hasId(id: string): boolean {
    return this.rowOf(id) >= 0;
  }

  cell(row: number, column: string): Cell {
    const col = this.data.get(column);
    return col ? cellOf(col, row) : null;
  }

  row(row: number): Record<string, Cell> {
    const out: Record<string, Cell> = {};
    for (const [c, col] of this.data) out[c] = cellOf(col, row);
    return out;
  }

  private checkColumn(column: string, what: string): CatalogColumn {
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
    let keep: Int32Array = new Int32Array(this.n);
    let m = 0;
    for (let i = 0; i < this.n; i++) if (tests.every((t) => t(i))) keep[m++] = i;
    keep = keep.slice(0, m);
    if (q.sort) keep = sortRows(keep, this.checkColumn(q.sort, 'sort'), q.order === 'asc' ? 1 : -1);
    if (this.views.size > 32) this.views.delete(this.views.keys().next().value!);
    this.views.set(key, keep);
    return keep;
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
      return (i) => {
        const x = cellOf(col, i);
        return x !== null && String(x).toLowerCase().includes(needle);
      };
    }
    const ops: Record<string, (c: number) => boolean> = {
      '=': (c) => c === 0,
      '!=': (c) => c !== 0,
      '<': (c) => c < 0,
      '<=': (c) => c <= 0,
      '>': (c) => c > 0,
      '>=': (c) => c >= 0,
    };
    const test = ops[f.op];
    if (col.kind === 'number') {
      const v = Number(f.value);
      if (!Number.isFinite(v)) {
        throw new LensfindError(
          'E_QUERY',
          `filter on '${f.column}': ${JSON.stringify(f.value)} is not a number`,
        );
      }
      const xs = col.values;
      return (i) => !Number.isNaN(xs[i]) && test(xs[i] - v);
    }
    const v = String(f.value);
    const xs = col.values;
    return (i) => xs[i] !== null && test(xs[i]! < v ? -1 : xs[i]! > v ? 1 : 0);
  }
}

function cellOf(col: CatalogColumn, row: number): Cell {
  if (col.kind === 'number') {
    const v = col.values[row];
    return Number.isNaN(v) ? null : v;
  }
  return col.values[row] ?? null;
}

/** Row numbers ordered by a column (sign 1 ascending, -1 descending): nulls last, ties by row. */
function sortRows(rows: Int32Array, col: CatalogColumn, sign: 1 | -1): Int32Array {
  if (col.kind === 'number') return sortRowsByNumber(rows, col.values, sign);
  const xs = col.values;
  return rows.sort((a, b) => {
    const x = xs[a];
    const y = xs[b];
    if (x === y) return a - b;
    if (x === null || y === null) return x === null ? 1 : -1;
    return sign * (x < y ? -1 : 1);
  });
}

/** Reads a catalogue (.parquet or .csv) into a CatalogTable; CSV columns that all parse as numbers become numbers. */
export async function readCatalogTable(file: string): Promise<CatalogTable> {
  const data = await readCatalogColumns(file);
  if (data.size === 0 || data.values().next().value!.values.length === 0)
    throw new LensfindError('E_CATALOG', `${file}: the catalogue has no rows`);
  return new CatalogTable(path.resolve(file), data);
}

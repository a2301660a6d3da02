import { DataError } from '../errors.js';
import type { FitsCard, FitsValue } from './fits.js';

/**
 * FITS binary tables (XTENSION = 'BINTABLE'): encoding a table of scalars (the manifest rows a FITS cutout file
 * carries) and decoding any table's cells, variable-length array columns (`1PB`, `1QB`: the tile-compressed image
 * convention) included. Rows are big-endian, fixed width; variable-length arrays live in the heap after the rows.
 */

/** Bytes per element of each TFORM type code. */
const SIZE: Record<string, number> = { L: 1, X: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16 };

export interface TableColumn {
  name: string;
  /** Element count (the `r` of `rT`). */
  repeat: number;
  /** The element type code: L, B, I, J, K, A, E, D (or the heap type of a P/Q column). */
  type: string;
  /** 'P' (32-bit descriptors) or 'Q' (64-bit) for variable-length arrays, else undefined. */
  varying?: 'P' | 'Q';
  /** Byte offset of the field within a row. */
  offset: number;
  unit?: string;
}

export interface BinTable {
  columns: TableColumn[];
  rows: number;
  rowBytes: number;
  /** The table's data (rows then heap), big-endian as stored. */
  bytes: Uint8Array;
  /** Offset of the heap from the start of `bytes` (THEAP, default after the rows). */
  heap: number;
}

function parseTform(tform: string, where: string): Omit<TableColumn, 'name' | 'offset'> {
  const m = /^\s*(\d*)([PQ]?)([LXBIJKAEDCM])/.exec(tform);
  if (!m) throw new DataError(`${where}: TFORM '${tform}' is not a FITS binary table format`);
  const repeat = m[1] === '' ? 1 : Number(m[1]);
  return m[2] ? { repeat, type: m[3], varying: m[2] as 'P' | 'Q' } : { repeat, type: m[3] };
}

/** Column layout of a BINTABLE HDU from its header, and its data bytes. */
export function decodeBinTable(
  header: Record<string, FitsValue>,
  bytes: Uint8Array,
  where: string,
): BinTable {
  const n = Number(header.TFIELDS ?? 0);
  const rowBytes = Number(header.NAXIS1);
  const rows = Number(header.NAXIS2);
  const columns: TableColumn[] = [];
  let offset = 0;
  for (let k = 1; k <= n; k++) {
    const f = parseTform(String(header[`TFORM${k}`] ?? ''), `${where}: TFORM${k}`);
    const unit = header[`TUNIT${k}`];
    columns.push({
      name: String(header[`TTYPE${k}`] ?? `col${k}`),
      ...f,
      offset,
      unit: typeof unit === 'string' ? unit : undefined,
    });
    offset += f.varying
      ? f.repeat * (f.varying === 'P' ? 8 : 16)
      : f.type === 'X'
        ? Math.ceil(f.repeat / 8)
        : f.repeat * SIZE[f.type];
  }
  if (offset !== rowBytes) {
    throw new DataError(`${where}: the columns take ${offset} bytes a row, NAXIS1 says ${rowBytes}`);
  }
  const heap = typeof header.THEAP === 'number' ? header.THEAP : rowBytes * rows;
  return { columns, rows, rowBytes, bytes, heap };
}

/** The bytes of a variable-length array cell (big-endian elements of `col.type`), read from the heap. */
export function heapCell(t: BinTable, row: number, col: TableColumn, where: string): Uint8Array {
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const at = row * t.rowBytes + col.offset;
  const count = col.varying === 'Q' ? Number(view.getBigUint64(at)) : view.getUint32(at);
  const off = col.varying === 'Q' ? Number(view.getBigUint64(at + 8)) : view.getUint32(at + 4);
  const start = t.heap + off;
  const len = count * SIZE[col.type];
  if (start + len > t.bytes.length) {
    throw new DataError(`${where}: row ${row + 1} of column ${col.name} points past the end of the heap`);
  }
  return t.bytes.subarray(start, start + len);
}

/** A scalar cell (the first element of a fixed-width column): number, string or boolean. */
export function scalarCell(t: BinTable, row: number, col: TableColumn): number | string | boolean {
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const at = row * t.rowBytes + col.offset;
  switch (col.type) {
    case 'A':
      return Buffer.from(t.bytes.subarray(at, at + col.repeat))
        .toString('latin1')
        .replace(/[\0 ]+$/, '');
    case 'L':
      return t.bytes[at] === 0x54;
    case 'B':
      return view.getUint8(at);
    case 'I':
      return view.getInt16(at);
    case 'J':
      return view.getInt32(at);
    case 'K':
      return Number(view.getBigInt64(at));
    case 'E':
      return view.getFloat32(at);
    case 'D':
      return view.getFloat64(at);
    default:
      throw new DataError(`column ${col.name}: type ${col.type} is not a scalar`);
  }
}

export type TableValue = number | string | boolean | undefined;

interface EncodedColumn {
  name: string;
  tform: string;
  width: number;
  write(view: DataView, at: number, v: TableValue): void;
}

/** The narrowest faithful column for a set of values: K (all integers), D (numbers), L (booleans), else A. */
function columnFor(name: string, values: readonly TableValue[]): EncodedColumn {
  const present = values.filter((v) => v !== undefined);
  if (
    present.length > 0 &&
    present.every((v) => typeof v === 'boolean') &&
    present.length === values.length
  ) {
    return { name, tform: 'L', width: 1, write: (d, at, v) => d.setUint8(at, v ? 0x54 : 0x46) };
  }
  if (present.length > 0 && present.every((v) => typeof v === 'number')) {
    if (present.length === values.length && present.every((v) => Number.isSafeInteger(v))) {
      return { name, tform: 'K', width: 8, write: (d, at, v) => d.setBigInt64(at, BigInt(v as number)) };
    }
    return {
      name,
      tform: 'D',
      width: 8,
      write: (d, at, v) => d.setFloat64(at, v === undefined ? NaN : (v as number)),
    };
  }
  const text = values.map((v) => (v === undefined ? '' : String(v)));
  const width = Math.max(1, ...text.map((s) => Buffer.byteLength(s, 'latin1')));
  return {
    name,
    tform: `${width}A`,
    width,
    write: (d, at, v) => {
      const b = Buffer.from(v === undefined ? '' : String(v), 'latin1');
      for (let i = 0; i < width; i++) d.setUint8(at + i, i < b.length ? b[i] : 0);
    },
  };
}

/**
 * A table of scalar rows (every key of `columns`, in that order) as BINTABLE header cards and data bytes (not yet
 * padded). Integer columns are K, other numbers D (missing: NaN), booleans L, anything else a string.
 */
export function encodeBinTable(
  columns: readonly string[],
  rows: readonly Record<string, TableValue>[],
  extname: string,
): { cards: FitsCard[]; data: Uint8Array } {
  const cols = columns.map((c) =>
    columnFor(
      c,
      rows.map((r) => r[c]),
    ),
  );
  const rowBytes = cols.reduce((a, c) => a + c.width, 0);
  const data = new Uint8Array(rowBytes * rows.length);
  const view = new DataView(data.buffer);
  rows.forEach((r, i) => {
    let at = i * rowBytes;
    for (const c of cols) {
      c.write(view, at, r[c.name]);
      at += c.width;
    }
  });
  const cards: FitsCard[] = [
    { key: 'XTENSION', value: 'BINTABLE', comment: 'binary table extension' },
    { key: 'BITPIX', value: 8, comment: 'array data type' },
    { key: 'NAXIS', value: 2, comment: 'number of array dimensions' },
    { key: 'NAXIS1', value: rowBytes, comment: 'length of dimension 1' },
    { key: 'NAXIS2', value: rows.length, comment: 'length of dimension 2' },
    { key: 'PCOUNT', value: 0, comment: 'number of group parameters' },
    { key: 'GCOUNT', value: 1, comment: 'number of groups' },
    { key: 'TFIELDS', value: cols.length, comment: 'number of table fields' },
    ...cols.flatMap((c, k) => [
      { key: `TTYPE${k + 1}`, value: c.name },
      { key: `TFORM${k + 1}`, value: c.tform },
    ]),
    { key: 'EXTNAME', value: extname },
  ];
  return { cards, data };
}

import { DataError } from '../errors.js';
import { halfToNumber } from './typed-array.js';

/**
 * The layouts a NumPy `.npy` array may be stored in: either byte order (`<f4`, `>f4`, `=f4`, `|u1`), float16/32/64,
 * signed and unsigned integers, bool, C or Fortran order. Shared by io/npy.ts (typed arrays) and data/source.ts
 * (float32 cutouts, read by offset).
 */
export interface NpyElement {
  kind: 'f' | 'i' | 'u' | 'b';
  size: number;
  littleEndian: boolean;
}

export interface NpyHeaderText {
  descr: string;
  fortran: boolean;
  shape: number[];
}

const SIZES: Record<NpyElement['kind'], number[]> = {
  f: [2, 4, 8],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  b: [1],
};

/** Parses the Python-dict header of an .npy file. */
export function parseNpyHeader(header: string, source: string): NpyHeaderText {
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) {
    throw new DataError(`${source}: unreadable .npy header: ${header.trim()}`, source);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  return { descr, fortran: fortran === 'True', shape };
}

/** The element type of a dtype descriptor, or a DataError naming what is supported. */
export function npyElement(descr: string, source: string): NpyElement {
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const kind = m?.[2] as NpyElement['kind'] | undefined;
  const size = Number(m?.[3]);
  if (!m || !kind || !SIZES[kind].includes(size)) {
    throw new DataError(
      `${source}: dtype '${descr}' is not supported (expected float16/32/64, int8-64, uint8-64 or bool, either byte order)`,
      source,
    );
  }
  // '=' is the writer's native order; every machine NumPy runs on today is little-endian.
  return { kind, size, littleEndian: m[1] !== '>' };
}

/** A reader of element i (bigint types become numbers: images, not 64-bit identifiers). */
export function elementReader(el: NpyElement): (v: DataView, i: number) => number {
  const le = el.littleEndian;
  const s = el.size;
  if (el.kind === 'f') {
    if (s === 2) return (v, i) => halfToNumber(v.getUint16(i * 2, le));
    if (s === 4) return (v, i) => v.getFloat32(i * 4, le);
    return (v, i) => v.getFloat64(i * 8, le);
  }
  if (el.kind === 'b') return (v, i) => (v.getUint8(i) ? 1 : 0);
  const signed = el.kind === 'i';
  if (s === 1) return signed ? (v, i) => v.getInt8(i) : (v, i) => v.getUint8(i);
  if (s === 2) return signed ? (v, i) => v.getInt16(i * 2, le) : (v, i) => v.getUint16(i * 2, le);
  if (s === 4) return signed ? (v, i) => v.getInt32(i * 4, le) : (v, i) => v.getUint32(i * 4, le);
  return signed ? (v, i) => Number(v.getBigInt64(i * 8, le)) : (v, i) => Number(v.getBigUint64(i * 8, le));
}

/** Decodes `bytes` of elements `el` to float32, in the stored order. */
export function elementsToFloat32(bytes: Uint8Array, el: NpyElement): Float32Array {
  if (el.kind === 'f' && el.size === 4 && el.littleEndian && bytes.byteOffset % 4 === 0)
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const read = elementReader(el);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / el.size);
  for (let i = 0; i < out.length; i++) out[i] = read(view, i);
  return out;
}

/**
 * Reorders a Fortran-ordered (first index fastest) array into C order (last index fastest), `shape` in NumPy
 * order. Works on any array-like of one element type.
 */
export function fortranToC<T extends { length: number; [i: number]: number | bigint }>(
  data: T,
  shape: readonly number[],
  make: (n: number) => T,
): T {
  const n = data.length;
  const out = make(n);
  const d = shape.length;
  if (d < 2) {
    for (let i = 0; i < n; i++) out[i] = data[i];
    return out;
  }
  const fStride = new Array<number>(d);
  fStride[0] = 1;
  for (let k = 1; k < d; k++) fStride[k] = fStride[k - 1] * shape[k - 1];
  const idx = new Array<number>(d).fill(0);
  for (let c = 0; c < n; c++) {
    let f = 0;
    for (let k = 0; k < d; k++) f += idx[k] * fStride[k];
    out[c] = data[f];
    // advance the C-order multi-index (last axis fastest)
    for (let k = d - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

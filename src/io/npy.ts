import { writeFileAtomic } from './atomic.js';
import { readRegularFile } from './read-fd.js';
import { DataError, LensfindError } from '../errors.js';
import { fortranToC, npyElement, parseNpyHeader } from './npy-layout.js';
import { halfToNumber, typedArrayElement } from './typed-array.js';

/** Typed arrays an `.npy` file can hold here, keyed by NumPy's dtype descriptor (little-endian). */
export type NpyDtype =
  | 'float32'
  | 'float64'
  | 'int64'
  | 'int32'
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool';
export type NpyData =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array;

export interface NpyArray {
  data: NpyData;
  shape: number[];
  dtype: NpyDtype;
}

const DESCR: Record<string, NpyDtype> = {
  '<f4': 'float32',
  '<f8': 'float64',
  '<i8': 'int64',
  '<i4': 'int32',
  '|u1': 'uint8',
  '|i1': 'int8',
  '<i2': 'int16',
  '<u2': 'uint16',
  '<u4': 'uint32',
  '<u8': 'uint64',
  '|b1': 'bool',
};
const DESCR_OF: Record<NpyDtype, string> = Object.fromEntries(
  Object.entries(DESCR).map(([k, v]) => [v, k]),
) as Record<NpyDtype, string>;
const CTOR = {
  float32: Float32Array,
  float64: Float64Array,
  int64: BigInt64Array,
  int32: Int32Array,
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

/** Encodes an array in NumPy's `.npy` format version 1.0 (C order, little-endian). */
export function encodeNpy(
  data: NpyData,
  shape: readonly number[],
  dtype: NpyDtype = typedArrayElement(data),
): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new LensfindError(
      'E_SHAPE',
      `encodeNpy: shape [${shape.join(', ')}] holds ${count} values but the data has ${data.length}`,
    );
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DESCR_OF[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Magic (6) + version (2) + header length (2) + header + newline, padded to a multiple of 64 bytes.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}

/** Decodes an `.npy` buffer; `source` names the file in errors. */
export function decodeNpy(buf: Uint8Array, source = '<buffer>'): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (buf.length < 10 || magic.some((b, i) => buf[i] !== b)) {
    throw new DataError(`${source}: not a NumPy .npy file (the magic string \\x93NUMPY is missing)`, source);
  }
  const major = buf[6];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = Buffer.from(buf.subarray(start, start + headerLen)).toString('latin1');
  const { descr, fortran, shape } = parseNpyHeader(header, source);
  const el = npyElement(descr, source);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const bytes = count * el.size;
  if (buf.length - offset < bytes) {
    throw new DataError(
      `${source}: truncated: shape [${shape.join(', ')}] needs ${bytes} bytes of data, the file has ${buf.length - offset}`,
      source,
    );
  }
  // Copy into a fresh, aligned buffer (the file's data offset need not be aligned), in little-endian order.
  const copy = new Uint8Array(bytes);
  copy.set(buf.subarray(offset, offset + bytes));
  if (!el.littleEndian && el.size > 1) {
    for (let i = 0; i < bytes; i += el.size) copy.subarray(i, i + el.size).reverse();
  }
  let data: NpyData;
  let dtype: NpyDtype;
  if (el.kind === 'f' && el.size === 2) {
    // float16 has no typed array: widened to float32 (exact).
    const half = new Uint16Array(copy.buffer);
    data = Float32Array.from(half, halfToNumber);
    dtype = 'float32';
  } else {
    dtype = DESCR[`${el.size === 1 ? '|' : '<'}${el.kind}${el.size}`];
    data = new CTOR[dtype](copy.buffer) as NpyData;
  }
  if (fortran) {
    const Ctor = data.constructor as new (n: number) => NpyData;
    data = fortranToC(data as Float64Array, shape, (n) => new Ctor(n) as Float64Array) as NpyData;
  }
  return { data, shape, dtype };
}

export function readNpy(file: string): NpyArray {
  const buf = readRegularFile(file);
  return decodeNpy(buf, file);
}

/** Writes an `.npy` file atomically. */
export function writeNpy(file: string, data: NpyData, shape: readonly number[], dtype?: NpyDtype): void {
  writeFileAtomic(file, encodeNpy(data, shape, dtype));
}

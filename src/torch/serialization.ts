// The safetensors format (https://github.com/huggingface/safetensors): an unsigned 64-bit little-endian header
// length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}
// padded with spaces to a multiple of 8, then the raw little-endian data of every tensor, back to back.
import { readFileSync, openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import { halfToNumber, typedArrayElement, type TypedArrayElement } from '../io/typed-array.js';
import { DataError, LensfindError } from '../errors.js';
import type { Tensor } from './tensor.js';
import type { DType } from './dtype.js';
import { fromTypedArray } from './creation.js';

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** The typed array each safetensors dtype is read into (F16 and BF16 as their raw 16-bit patterns). */
export type SafetensorsData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | Uint16Array;

export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  data: SafetensorsData;
}

export interface SafetensorsHeaderEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  data_offsets: [number, number];
}

export interface SafetensorsHeader {
  /** Tensor entries in the order the header lists them. */
  tensors: Map<string, SafetensorsHeaderEntry>;
  metadata: Record<string, string>;
  /** Byte offset where the data region starts (8 + header length). */
  dataStart: number;
}

const ITEM_SIZE: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};
/** The typed array that holds each safetensors dtype (16-bit floats as their raw bits). */
export const DTYPE_ARRAY = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  I32: Int32Array,
  I16: Int16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
} as const;

/** The safetensors dtype of each typed array's element type (a Uint16Array holds F16 bits unless told BF16). */
const DTYPE_OF_ELEMENT: Partial<Record<TypedArrayElement, SafetensorsDtype>> = {
  float64: 'F64',
  float32: 'F32',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint16: 'F16',
};

/** The safetensors dtype a typed array stores by default (Uint16Array needs an explicit F16/BF16). */
export function safetensorsDtypeOf(data: SafetensorsData): SafetensorsDtype {
  return DTYPE_OF_ELEMENT[typedArrayElement(data)] ?? 'U8';
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

// Typed arrays are little-endian on every platform Node supports here (x86-64, arm64): bytes are copied as is.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new LensfindError('E_PLATFORM', 'lensfind safetensors I/O assumes a little-endian machine');
}

/**
 * Encodes tensors as a safetensors buffer. Tensors are laid out in the order given; the header JSON is compact
 * (no spaces), `__metadata__` first when present, padded with spaces to a multiple of 8 bytes.
 */
export function encodeSafetensors(
  tensors: Map<string, SafetensorsEntry> | Record<string, SafetensorsEntry>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string')
        throw new DataError(`encodeSafetensors: metadata "${k}" must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, { dtype, shape, data }] of entries) {
    if (name === '__metadata__')
      throw new DataError('encodeSafetensors: "__metadata__" is reserved and cannot name a tensor');
    if (!(dtype in ITEM_SIZE))
      throw new DataError(`encodeSafetensors: tensor "${name}" has unknown dtype ${dtype}`);
    const bytes = product(shape) * ITEM_SIZE[dtype];
    if (bytes !== data.byteLength) {
      throw new DataError(
        `encodeSafetensors: tensor "${name}" of shape [${shape.join(', ')}] ${dtype} needs ${bytes} bytes, data has ${data.byteLength}`,
      );
    }
    header[name] = { dtype, shape: [...shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - (json.length % 8)) % 8;
  if (pad > 0) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, { data }] of entries) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

/** Parses and validates the header of a safetensors buffer (or its first bytes); `source` names the file in errors. */
export function parseSafetensorsHeader(
  buf: Uint8Array,
  source = '<buffer>',
  fileSize = buf.byteLength,
): SafetensorsHeader {
  const fail = (why: string): never => {
    throw new DataError(`${source}: not a valid safetensors file: ${why}`, source);
  };
  if (buf.byteLength < 8) fail(`it has ${buf.byteLength} bytes, fewer than the 8-byte header length`);
  const n = new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(fileSize - 8))
    fail(`the header length ${n} runs past the end of the file (${fileSize} bytes)`);
  const headerLength = Number(n);
  if (buf.byteLength < 8 + headerLength)
    fail(`truncated: the header needs ${8 + headerLength} bytes, got ${buf.byteLength}`);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, headerLength).toString('utf8'));
  } catch (err) {
    fail(`the header is not JSON (${(err as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('the header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = fileSize - dataStart;
  const tensors = new Map<string, SafetensorsHeaderEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        fail('"__metadata__" is not an object');
      for (const [k, v] of Object.entries(value as object)) {
        if (typeof v !== 'string') fail(`"__metadata__.${k}" is not a string`);
      }
      metadata = value as Record<string, string>;
      continue;
    }
    const e = value as Partial<SafetensorsHeaderEntry> | null;
    if (e === null || typeof e !== 'object') fail(`tensor "${name}" is not an object`);
    const { dtype, shape, data_offsets: offsets } = e as Partial<SafetensorsHeaderEntry>;
    if (typeof dtype !== 'string' || !(dtype in ITEM_SIZE)) {
      fail(
        `tensor "${name}" has dtype ${JSON.stringify(dtype)}, expected one of ${Object.keys(ITEM_SIZE).join(', ')}`,
      );
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`tensor "${name}" has shape ${JSON.stringify(shape)}, expected a list of non-negative integers`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((d) => Number.isInteger(d) && d >= 0)
    ) {
      fail(`tensor "${name}" has data_offsets ${JSON.stringify(offsets)}, expected [begin, end]`);
    }
    const [begin, end] = offsets as [number, number];
    const bytes = product(shape!) * ITEM_SIZE[dtype!];
    if (end - begin !== bytes) {
      fail(
        `tensor "${name}" of shape [${shape!.join(', ')}] ${dtype} needs ${bytes} bytes, its data_offsets span ${end - begin}`,
      );
    }
    if (end > dataLength)
      fail(`tensor "${name}" ends at byte ${end} of a ${dataLength}-byte data region (truncated file?)`);
    tensors.set(name, { dtype: dtype!, shape: [...shape!], data_offsets: [begin, end] });
  }
  // The spec requires the data region to be covered exactly, without holes or overlaps.
  const spans = [...tensors.values()].map((e) => e.data_offsets).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let covered = 0;
  for (const [begin, end] of spans) {
    if (begin !== covered)
      fail(`tensor data has a hole or overlap at byte ${Math.min(begin, covered)} of the data region`);
    covered = end;
  }
  if (covered !== dataLength)
    fail(`the data region has ${dataLength} bytes but the tensors cover ${covered}`);
  return { tensors, metadata, dataStart };
}

/** Decodes a safetensors buffer into typed arrays (copies, so each is aligned and independent of `buf`). */
export function decodeSafetensors(
  buf: Uint8Array,
  source = '<buffer>',
): { tensors: Map<string, SafetensorsEntry>; metadata: Record<string, string> } {
  const header = parseSafetensorsHeader(buf, source);
  const tensors = new Map<string, SafetensorsEntry>();
  for (const [
    name,
    {
      dtype,
      shape,
      data_offsets: [begin, end],
    },
  ] of header.tensors) {
    // A copy (Buffer.slice would be a view into a possibly unaligned, pooled buffer).
    const bytes = new Uint8Array(buf.subarray(header.dataStart + begin, header.dataStart + end));
    const data = new DTYPE_ARRAY[dtype](bytes.buffer, 0, (end - begin) / ITEM_SIZE[dtype]);
    tensors.set(name, { dtype, shape, data });
  }
  return { tensors, metadata: header.metadata };
}

/** Reads only the header of a safetensors file (names, dtypes, shapes, metadata) without its data. */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new DataError(`${path}: cannot open safetensors file (${(err as Error).message})`, path);
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(8, size));
    readSync(fd, head, 0, head.length, 0);
    let headerLength = 0;
    if (head.length === 8) {
      const n = head.readBigUInt64LE(0);
      headerLength = n > BigInt(size - 8) ? 0 : Number(n);
    }
    const buf = Buffer.alloc(Math.min(size, 8 + headerLength));
    readSync(fd, buf, 0, buf.length, 0);
    return parseSafetensorsHeader(buf, path, size);
  } finally {
    closeSync(fd);
  }
}

/** Reads a safetensors file into typed arrays. */
export function readSafetensorsFile(path: string): {
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
} {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new DataError(`${path}: cannot read safetensors file (${(err as Error).message})`, path);
  }
  return decodeSafetensors(buf, path);
}

/** Writes typed arrays as a safetensors file, atomically. */
export function writeSafetensorsFile(
  path: string,
  tensors: Map<string, SafetensorsEntry> | Record<string, SafetensorsEntry>,
  metadata?: Record<string, string>,
): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

// ---- Tensor level --------------------------------------------------------------------------------

const DTYPE_TO_ST: Record<DType, SafetensorsDtype> = {
  float32: 'F32',
  float64: 'F64',
  int64: 'I64',
  int32: 'I32',
  uint8: 'U8',
  bool: 'BOOL',
};

/** A decoded entry as a Tensor: F16/BF16 become float32, I16/I8 become int32 (dtypes the engine has). */
export function entryToTensor({ dtype, shape, data }: SafetensorsEntry): Tensor {
  switch (dtype) {
    case 'F16':
      return fromTypedArray(Float32Array.from(data as Uint16Array, halfToNumber), shape);
    case 'BF16': {
      const bits = new Uint32Array(data.length);
      (data as Uint16Array).forEach((v, i) => (bits[i] = v << 16));
      return fromTypedArray(new Float32Array(bits.buffer), shape);
    }
    case 'I16':
    case 'I8':
      return fromTypedArray(Int32Array.from(data as Int16Array | Int8Array), shape);
    case 'BOOL':
      return fromTypedArray(data, shape, 'bool');
    default:
      return fromTypedArray(data, shape);
  }
}

/**
 * Writes tensors as a safetensors file, atomically (readable by Python's `safetensors.torch.load_file`). Keys keep
 * their order; `metadata` goes in `__metadata__` (safetensors' Python writers put `{"format": "pt"}` there).
 */
export function saveSafetensors(
  path: string,
  tensors: Map<string, Tensor> | Record<string, Tensor>,
  metadata?: Record<string, string>,
): void {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const out = new Map<string, SafetensorsEntry>();
  for (const [name, t] of entries) {
    const dtype = DTYPE_TO_ST[t.dtype];
    if (!dtype)
      throw new DataError(
        `${path}: tensor "${name}" has dtype ${t.dtype}, which safetensors I/O here does not write`,
        path,
      );
    out.set(name, { dtype, shape: [...t.shape], data: t.dataSync() });
  }
  writeSafetensorsFile(path, out, metadata);
}

/** Reads a safetensors file into CPU tensors, in the file's key order. */
export function loadSafetensors(path: string): Map<string, Tensor> {
  const { tensors } = readSafetensorsFile(path);
  const out = new Map<string, Tensor>();
  for (const [name, e] of tensors) out.set(name, entryToTensor(e));
  return out;
}

/** Like loadSafetensors, with the file's `__metadata__`. */
export function loadSafetensorsWithMetadata(path: string): {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
} {
  const { tensors, metadata } = readSafetensorsFile(path);
  const out = new Map<string, Tensor>();
  for (const [name, e] of tensors) out.set(name, entryToTensor(e));
  return { tensors: out, metadata };
}

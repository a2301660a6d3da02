/** Tensor factories: from JS data (nested arrays, typed arrays) and filled shapes. */
import { LensfindError } from '../errors.js';
import { type DType, type Device, dtypeOfTypedArray, typedArrayFromNumbers } from './dtype.js';
import { native } from './native.js';
import { checkCount, checkShape } from './shape.js';
import { type NativeHandle, Tensor } from './tensor.js';

export interface CreationOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

export interface TensorOptions extends CreationOptions {
  /** Shape of the data (default: inferred from nesting; a typed array is 1-D). */
  shape?: readonly number[];
}

/** Nested arrays of numbers/booleans, any depth. */
export type NestedArray = number | boolean | readonly NestedArray[];

type TypedData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Shape and flat values of nested arrays; ragged nesting is an error. */
function flattenNested(data: NestedArray): { shape: number[]; values: (number | boolean)[] } {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const values: (number | boolean)[] = [];
  const walk = (v: NestedArray, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(v))
        throw new LensfindError('E_SHAPE', `tensor(): ragged nested array (expected shape [${shape}])`);
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new LensfindError('E_DTYPE', `tensor(): expected numbers or booleans, got ${typeof v}`);
      }
      values.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new LensfindError('E_SHAPE', `tensor(): ragged nested array (expected shape [${shape}])`);
    }
    for (const x of v) walk(x, depth + 1);
  };
  walk(data, 0);
  return { shape, values };
}

/** Applies device and requiresGrad options to a fresh CPU handle. */
function finish(h: NativeHandle, opts: CreationOptions): Tensor {
  if (opts.device !== undefined && opts.device !== 'cpu') {
    const moved = native().toDevice(h, opts.device);
    native().dispose(h);
    h = moved;
  }
  const t = Tensor.fromHandle(h);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * A tensor holding a copy of `data`. Nested number arrays default to float32 (booleans to bool); typed
 * arrays keep their own type (Float32Array -> float32, Int32Array -> int32, BigInt64Array -> int64, ...)
 * unless opts.dtype converts them.
 */
export function tensor(data: NestedArray | ArrayBufferView, opts: TensorOptions = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    return fromTypedArray(data, opts.shape ?? [(data as TypedData).length], opts.dtype, opts);
  }
  const { shape, values } = flattenNested(data as NestedArray);
  const dtype: DType = opts.dtype ?? (typeof values[0] === 'boolean' ? 'bool' : 'float32');
  const finalShape = opts.shape ? checkShape('tensor()', opts.shape) : shape;
  if (product(finalShape) !== values.length) {
    throw new LensfindError('E_SHAPE', `tensor(): ${values.length} values do not fill shape [${finalShape}]`);
  }
  return finish(native().fromBuffer(typedArrayFromNumbers(values, dtype), finalShape, dtype), opts);
}

/** A tensor of `shape` copied from a typed array (dtype: the array's own, or converted to `dtype`). */
export function fromTypedArray(
  data: ArrayBufferView,
  shape: readonly number[],
  dtype?: DType,
  opts: CreationOptions = {},
): Tensor {
  const own = dtypeOfTypedArray(data);
  if (own === undefined) {
    throw new LensfindError(
      'E_DTYPE',
      `fromTypedArray(): unsupported ${data.constructor.name} (use Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array)`,
    );
  }
  let h: NativeHandle = native().fromBuffer(data, checkShape('fromTypedArray()', shape), own);
  const want = dtype ?? opts.dtype;
  if (want !== undefined && want !== own) {
    const converted = native().toDtype(h, want);
    native().dispose(h);
    h = converted;
  }
  return finish(h, opts);
}

function grad(t: Tensor, opts: CreationOptions): Tensor {
  return opts.requiresGrad ? t.requiresGrad_(true) : t;
}

export function zeros(shape: number | readonly number[], opts: CreationOptions = {}): Tensor {
  return grad(Tensor.fromHandle(native().zeros(checkShape('zeros()', shape), opts.dtype, opts.device)), opts);
}
export function ones(shape: number | readonly number[], opts: CreationOptions = {}): Tensor {
  return grad(Tensor.fromHandle(native().ones(checkShape('ones()', shape), opts.dtype, opts.device)), opts);
}
/** Uninitialised memory (fast; fill it before reading). */
export function empty(shape: number | readonly number[], opts: CreationOptions = {}): Tensor {
  return grad(Tensor.fromHandle(native().empty(checkShape('empty()', shape), opts.dtype, opts.device)), opts);
}
export function full(
  shape: number | readonly number[],
  value: number | boolean,
  opts: CreationOptions = {},
): Tensor {
  return grad(
    Tensor.fromHandle(native().full(checkShape('full()', shape), value, opts.dtype, opts.device)),
    opts,
  );
}
/**
 * Values start, start+step, ... below end (arange(n) = 0..n-1). As in PyTorch the dtype is int64 when all
 * arguments are integers, float32 otherwise, unless opts.dtype says.
 */
export function arange(start: number, end?: number, step = 1, opts: CreationOptions = {}): Tensor {
  const [a, b] = end === undefined ? [0, start] : [start, end];
  const dtype = opts.dtype ?? ([a, b, step].every(Number.isInteger) ? 'int64' : 'float32');
  return grad(Tensor.fromHandle(native().arange(a, b, step, dtype, opts.device)), opts);
}
export function linspace(start: number, end: number, steps: number, opts: CreationOptions = {}): Tensor {
  const n = checkCount('linspace()', 'steps', steps);
  return grad(Tensor.fromHandle(native().linspace(start, end, n, opts.dtype, opts.device)), opts);
}
/** Identity matrix n x n (or n x opts.cols). */
export function eye(n: number, opts: CreationOptions & { cols?: number } = {}): Tensor {
  const cols = opts.cols === undefined ? undefined : checkCount('eye()', 'cols', opts.cols);
  return grad(
    Tensor.fromHandle(native().eye(checkCount('eye()', 'n', n), cols, opts.dtype, opts.device)),
    opts,
  );
}
export function zerosLike(t: Tensor, opts: CreationOptions = {}): Tensor {
  return grad(Tensor.fromHandle(native().zerosLike(t.handle, opts.dtype)), opts);
}
export function onesLike(t: Tensor, opts: CreationOptions = {}): Tensor {
  return grad(Tensor.fromHandle(native().onesLike(t.handle, opts.dtype)), opts);
}
export function fullLike(t: Tensor, value: number | boolean, opts: CreationOptions = {}): Tensor {
  return grad(Tensor.fromHandle(native().fullLike(t.handle, value, opts.dtype)), opts);
}
/** A 0-dim tensor holding one number. */
export function scalar(value: number | boolean, opts: CreationOptions = {}): Tensor {
  return full([], value, opts);
}

/** Free-function forms of tensor ops (torch.cat, torch.where, ...). */
import { native } from './native.js';
import { type NativeHandle, Tensor, type TensorOrScalar } from './tensor.js';

function handles(ts: readonly Tensor[]): NativeHandle[] {
  return ts.map((t) => t.handle);
}

/** Joins tensors along an existing dim. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return Tensor.fromHandle(native().cat(handles(tensors), dim));
}

/** Joins tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return Tensor.fromHandle(native().stack(handles(tensors), dim));
}

/** Elementwise choice: a where cond is true, b elsewhere (a, b broadcast; numbers allowed). */
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const arg = (x: TensorOrScalar) => (typeof x === 'number' || typeof x === 'boolean' ? x : x.handle);
  return Tensor.fromHandle(native().where(cond.handle, arg(a), arg(b)));
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  return a.matmul(b);
}
export function mm(a: Tensor, b: Tensor): Tensor {
  return a.mm(b);
}
export function bmm(a: Tensor, b: Tensor): Tensor {
  return a.bmm(b);
}
export function outer(a: Tensor, b: Tensor): Tensor {
  return Tensor.fromHandle(native().outer(a.handle, b.handle));
}
export function maximum(a: Tensor, b: TensorOrScalar): Tensor {
  return a.maximum(b);
}
export function minimum(a: Tensor, b: TensorOrScalar): Tensor {
  return a.minimum(b);
}
export function add(a: Tensor, b: TensorOrScalar, alpha?: number): Tensor {
  return a.add(b, alpha);
}
export function sub(a: Tensor, b: TensorOrScalar, alpha?: number): Tensor {
  return a.sub(b, alpha);
}
export function mul(a: Tensor, b: TensorOrScalar): Tensor {
  return a.mul(b);
}
export function div(a: Tensor, b: TensorOrScalar): Tensor {
  return a.div(b);
}
/** s ** t elementwise with a scalar base. */
export function powScalarBase(base: number, t: Tensor): Tensor {
  return Tensor.fromHandle(native().rpow(t.handle, base));
}
export function clamp(t: Tensor, min?: number | null, max?: number | null): Tensor {
  return t.clamp(min, max);
}
export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  return t.flatten(startDim, endDim);
}
export function split(t: Tensor, sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
  return t.split(sizeOrSizes, dim);
}
export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  return t.chunk(chunks, dim);
}
export function flip(t: Tensor, dims: number | readonly number[]): Tensor {
  return t.flip(dims);
}
export function rot90(t: Tensor, k = 1, dims: readonly number[] = [0, 1]): Tensor {
  return t.rot90(k, dims);
}
export function roll(
  t: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Tensor {
  return t.roll(shifts, dims);
}
export function tril(t: Tensor, diagonal = 0): Tensor {
  return t.tril(diagonal);
}
export function triu(t: Tensor, diagonal = 0): Tensor {
  return t.triu(diagonal);
}

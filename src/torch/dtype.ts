/** Element types a Tensor can hold (PyTorch's names: float32 = torch.float, int64 = torch.long). */
import { LensfindError } from '../errors.js';
import { typedArrayElement } from '../io/typed-array.js';
export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool';

/** Where a tensor lives: 'cpu', 'cuda', 'cuda:1', ... (any device string libtorch accepts). */
export type Device = 'cpu' | 'cuda' | (string & {});

/**
 * How a 4-D tensor's values are laid out (PyTorch's names): row-major NCHW, or NHWC strides with the shape still
 * [N, C, H, W]. oneDNN's convolutions run faster on channels_last (Module.to({ memoryFormat: 'channels_last' })).
 */
export type MemoryFormat = 'contiguous_format' | 'channels_last';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int64', 'int32', 'uint8', 'bool'];

export function isDType(s: unknown): s is DType {
  return typeof s === 'string' && (DTYPES as readonly string[]).includes(s);
}

/** A typed array holding a tensor's values (bool tensors read as Uint8Array of 0/1). */
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

const TENSOR_ELEMENTS: readonly DType[] = ['float32', 'float64', 'int32', 'int64'];

/** The dtype a typed array's values have, or undefined for arrays libtorch has no exact type for. */
export function dtypeOfTypedArray(a: ArrayBufferView): DType | undefined {
  if (a instanceof Uint8Array) return 'uint8';
  const element = typedArrayElement(a); // 'uint8' for anything else: not a tensor's
  return element === 'uint8' ? undefined : TENSOR_ELEMENTS.find((d) => d === element);
}

/** Wraps raw bytes of `dtype` values in the matching typed array (no copy). */
export function typedArrayFor(dtype: string, buf: ArrayBuffer): TensorData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf);
    case 'float64':
      return new Float64Array(buf);
    case 'int32':
      return new Int32Array(buf);
    case 'int64':
      return new BigInt64Array(buf);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buf);
    default:
      throw new LensfindError('E_DTYPE', `no typed array for dtype ${dtype}`);
  }
}

/** Converts JS numbers (or booleans) into the typed array that stores `dtype` values. */
export function typedArrayFromNumbers(values: ArrayLike<number | boolean>, dtype: DType): TensorData {
  const n = values.length;
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values as ArrayLike<number>, Number);
    case 'float64':
      return Float64Array.from(values as ArrayLike<number>, Number);
    case 'int32':
      return Int32Array.from(values as ArrayLike<number>, Number);
    case 'uint8':
      return Uint8Array.from(values as ArrayLike<number>, Number);
    case 'bool': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = values[i] ? 1 : 0;
      return out;
    }
    case 'int64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(Math.trunc(Number(values[i])));
      return out;
    }
  }
}

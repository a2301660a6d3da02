/**
 * What the binary formats (.npy here, safetensors in torch/) share about typed arrays: the element type an array
 * holds, in NumPy's names, and IEEE half precision, which has no typed array of its own.
 */

/** NumPy's name of the element type a typed array holds (Uint8Array, and anything else, is 'uint8'). */
export type TypedArrayElement =
  'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint64' | 'uint32' | 'uint16' | 'uint8';

export function typedArrayElement(data: ArrayBufferView): TypedArrayElement {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigUint64Array) return 'uint64';
  return 'uint8';
}

/** IEEE 754 half precision to a number (NumPy's float16, safetensors' F16). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

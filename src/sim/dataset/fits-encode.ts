import { encodeFits } from '../../io/fits-write.js';

/** FITS output (`--format fits`): one float32 primary HDU, shape in NumPy order (`[N, bands, H, W]` or `[bands, H, W]`). */
export function encodeFitsImage(data: Float32Array, shape: readonly number[]): Uint8Array {
  return encodeFits(data, shape, [{ key: 'ORIGIN', value: 'lensfind simulate' }]);
}

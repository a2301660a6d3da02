import { DataError } from '../errors.js';

/** Quantised floats of tile-compressed FITS (standard section 10.2): integers back to floats, with the dither. */

const N_RANDOM = 10000;
let randoms: Float32Array | undefined;
/**
 * The FITS standard's dither sequence (Park & Miller's generator, as cfitsio's fits_init_randoms), held as float32
 * as cfitsio holds it: the values must round the same way for the dithered pixels to be bit-exact.
 */
function ditherSequence(): Float32Array {
  if (randoms) return randoms;
  randoms = new Float32Array(N_RANDOM);
  const a = 16807;
  const m = 2147483647;
  let seed = 1;
  for (let i = 0; i < N_RANDOM; i++) {
    const temp = a * seed;
    seed = temp - m * Math.trunc(temp / m);
    randoms[i] = seed / m;
  }
  return randoms;
}

const ZERO_VALUE = -2147483646; // SUBTRACTIVE_DITHER_2's code for an exact 0.0

/** Quantised integers back to floats (FITS standard 10.2): value = (i - r + 0.5) * scale + zero with dither r. */
export function unquantize(
  ints: Float64Array,
  sc: number,
  zero: number,
  blank: number | undefined,
  method: string,
  ditherRow: number,
  where: string,
): Float64Array {
  const out = new Float64Array(ints.length);
  if (method === 'NO_DITHER') {
    for (let i = 0; i < ints.length; i++) out[i] = ints[i] === blank ? NaN : ints[i] * sc + zero;
    return out;
  }
  if (method !== 'SUBTRACTIVE_DITHER_1' && method !== 'SUBTRACTIVE_DITHER_2') {
    throw new DataError(`${where}: ZQUANTIZ '${method}' is not known`);
  }
  const r = ditherSequence();
  let iseed = (ditherRow - 1) % N_RANDOM;
  let next = Math.trunc(r[iseed] * 500);
  for (let i = 0; i < ints.length; i++) {
    const v = ints[i];
    if (v === blank) out[i] = NaN;
    else if (method === 'SUBTRACTIVE_DITHER_2' && v === ZERO_VALUE) out[i] = 0;
    else out[i] = (v - r[next] + 0.5) * sc + zero;
    if (++next === N_RANDOM) {
      if (++iseed === N_RANDOM) iseed = 0;
      next = Math.trunc(r[iseed] * 500);
    }
  }
  return out;
}

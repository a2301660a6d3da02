/** In-place iterative radix-2 complex FFT (length a power of two) and a 2-D real convolution built on it. */
import { LensfindError } from '../../errors.js';

export function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/** Forward (sign -1) or inverse (sign +1, unscaled) transform of (re, im) with stride 1. */
export function fft1d(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (!isPow2(n)) throw new LensfindError('E_SIM', `fft1d: length ${n} is not a power of two`);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (sign * 2 * Math.PI) / len;
    const wr = Math.cos(ang),
      wi = Math.sin(ang);
    const half = len >> 1;
    for (let i = 0; i < n; i += len) {
      let cr = 1,
        ci = 0;
      for (let k = 0; k < half; k++) {
        const a = i + k,
          b = a + half;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

/** 2-D FFT of an (n x n) row-major complex array, in place. */
export function fft2d(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  const rr = new Float64Array(n),
    ri = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const o = r * n;
    for (let c = 0; c < n; c++) {
      rr[c] = re[o + c];
      ri[c] = im[o + c];
    }
    fft1d(rr, ri, inverse);
    for (let c = 0; c < n; c++) {
      re[o + c] = rr[c];
      im[o + c] = ri[c];
    }
  }
  for (let c = 0; c < n; c++) {
    for (let r = 0; r < n; r++) {
      rr[r] = re[r * n + c];
      ri[r] = im[r * n + c];
    }
    fft1d(rr, ri, inverse);
    for (let r = 0; r < n; r++) {
      re[r * n + c] = rr[r];
      im[r * n + c] = ri[r];
    }
  }
}

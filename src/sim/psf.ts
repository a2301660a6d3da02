/**
 * Point-spread functions by FWHM (Gaussian, Moffat) as normalised, pixel-integrated kernels, and a "same"-size
 * convolution (zero padding, like scipy.signal.fftconvolve(mode='same'), which lenstronomy uses). Separable 1-D
 * passes for Gaussians, FFT for other kernels; the kernel sums to 1 so flux that stays in the image is conserved.
 */
import { LensfindError } from '../errors.js';
import { fft2d, nextPow2 } from './math/fft.js';

export const FWHM_TO_SIGMA = 1 / (2 * Math.sqrt(2 * Math.log(2)));

export interface Kernel {
  /** Odd side length. */
  size: number;
  /** Row-major, sums to 1. */
  data: Float64Array;
  /** For separable kernels: the 1-D factor (data = outer(k1d, k1d)). */
  separable?: Float64Array;
}

export interface PsfSpec {
  type: 'gaussian' | 'moffat';
  /** FWHM in arcsec. */
  fwhm: number;
  /** Moffat beta. */
  beta?: number;
}

/** Radius containing all but a tiny fraction of the light, in pixels, made odd-sized. */
function kernelSize(spec: PsfSpec, pixelScale: number, maxSize: number): number {
  const fwhmPix = spec.fwhm / pixelScale;
  let radius: number;
  if (spec.type === 'gaussian')
    radius = 4 * fwhmPix * FWHM_TO_SIGMA; // 4 sigma: ~1e-4 of the light beyond, renormalised
  else {
    const beta = spec.beta ?? 3.5;
    const alpha = fwhmPix / (2 * Math.sqrt(Math.pow(2, 1 / beta) - 1));
    // enclosed fraction 1 - (1 + r^2/alpha^2)^(1-beta) reaches 1 - 1e-3 at:
    radius = alpha * Math.sqrt(Math.pow(1e-3, 1 / (1 - beta)) - 1);
  }
  const half = Math.max(1, Math.ceil(radius));
  return Math.min(2 * half + 1, maxSize % 2 === 1 ? maxSize : maxSize - 1);
}

/** 1-D pixel-integrated Gaussian (exact, via erf differences). */
function gaussian1d(size: number, sigmaPix: number): Float64Array {
  const k = new Float64Array(size);
  const h = (size - 1) / 2;
  const s = sigmaPix * Math.SQRT2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = i - h;
    k[i] = erf((x + 0.5) / s) - erf((x - 0.5) / s);
    sum += k[i];
  }
  for (let i = 0; i < size; i++) k[i] /= sum;
  return k;
}

/** erf via the Chebyshev-fitted erfc of Numerical Recipes 6.2 (fractional error < 1.2e-7; kernels are renormalised). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/**
 * The PSF as a pixel kernel at `pixelScale` arcsec/px, pixel-integrated (Gaussian exactly, Moffat with 5x5
 * sub-samples per pixel), normalised to sum 1. `maxSize` caps the side (e.g. the image size).
 */
export function psfKernel(spec: PsfSpec, pixelScale: number, maxSize = 63): Kernel {
  if (!(spec.fwhm > 0)) throw new LensfindError('E_SIM', `PSF fwhm must be > 0, got ${spec.fwhm}`);
  const size = kernelSize(spec, pixelScale, Math.max(3, maxSize));
  if (spec.type === 'gaussian') {
    const k1 = gaussian1d(size, (spec.fwhm / pixelScale) * FWHM_TO_SIGMA);
    const data = new Float64Array(size * size);
    for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) data[r * size + c] = k1[r] * k1[c];
    return { size, data, separable: k1 };
  }
  const beta = spec.beta ?? 3.5;
  const alpha = spec.fwhm / pixelScale / (2 * Math.sqrt(Math.pow(2, 1 / beta) - 1));
  const ss = 5;
  const h = (size - 1) / 2;
  const data = new Float64Array(size * size);
  let sum = 0;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let v = 0;
      for (let a = 0; a < ss; a++) {
        const y = r - h + (a + 0.5) / ss - 0.5;
        for (let b = 0; b < ss; b++) {
          const x = c - h + (b + 0.5) / ss - 0.5;
          v += Math.pow(1 + (x * x + y * y) / (alpha * alpha), -beta);
        }
      }
      data[r * size + c] = v;
      sum += v;
    }
  }
  for (let i = 0; i < data.length; i++) data[i] /= sum;
  return { size, data };
}

/** "Same" convolution of an (h x w) image with the kernel, zero padding; separable when possible, else FFT. */
export function convolve(
  image: Float64Array | Float32Array,
  h: number,
  w: number,
  kernel: Kernel,
): Float64Array {
  if (kernel.separable) return convolveSeparable(image, h, w, kernel.separable);
  // direct is cheaper than FFT only for tiny kernels
  if (kernel.size <= 5) return convolveDirect(image, h, w, kernel);
  return convolveFft(image, h, w, kernel);
}

export function convolveSeparable(
  image: ArrayLike<number>,
  h: number,
  w: number,
  k: Float64Array,
): Float64Array {
  const out = new Float64Array(h * w);
  convolveSeparableInto(image, out, new Float64Array(h * w), h, w, k);
  return out;
}

/**
 * Separable "same" convolution into `out` with a caller-owned scratch `tmp` (both h * w; out may not alias image).
 * A symmetric kernel (a PSF) filters the rows into a scratch padded with zero rows above and below, then the
 * columns by adding whole shifted rows, so every read and write is sequential; taps t and -t share one
 * multiplication. Other kernels filter rows twice through a transpose. (The renderer convolves its planes with a
 * float32 WebAssembly version of the symmetric passes: band-planes.ts.)
 */
export function convolveSeparableInto(
  image: ArrayLike<number>,
  out: Float64Array,
  tmp: Float64Array,
  h: number,
  w: number,
  k: Float64Array,
): void {
  if (isSymmetric(k)) {
    const half = (k.length - 1) >> 1;
    const rows = scratch((h + 2 * half) * w);
    rows.fill(0, 0, half * w);
    rows.fill(0, (h + half) * w, (h + 2 * half) * w);
    const line = scratch2(w + 2 * half);
    line.fill(0);
    symmetricRows(image, rows, h, w, k, line, half);
    symmetricColumns(rows, out, h, w, k, half);
  } else {
    generalRowPass(image, tmp, h, w, k);
    generalRowPass(tmp, out, w, h, k);
  }
}

let rowsScratch = new Float64Array(0);
let lineScratch = new Float64Array(0);
function scratch(n: number): Float64Array {
  if (rowsScratch.length < n) rowsScratch = new Float64Array(n);
  return rowsScratch.subarray(0, n);
}
function scratch2(n: number): Float64Array {
  if (lineScratch.length < n) lineScratch = new Float64Array(n);
  return lineScratch.subarray(0, n);
}

/**
 * The "valid" part of a convolution with a symmetric separable kernel k (odd length 2 half + 1): image [h, w]
 * filtered at the pixels at least `half` from every edge, into out [h - 2 half, w - 2 half]. Each output equals the
 * "same" convolution's (convolveSeparable) at that pixel bit for bit: the same taps over the same values in the same
 * order. A cutout rendered with its PSF margin needs only these, ~40% fewer than the whole window.
 */
export function convolveSymmetricValid(
  image: Float64Array,
  h: number,
  w: number,
  k: Float64Array,
  out: Float64Array,
): void {
  const half = (k.length - 1) >> 1;
  const oh = h - 2 * half,
    ow = w - 2 * half;
  if (!isSymmetric(k) || oh < 1 || ow < 1)
    throw new Error(`convolveSymmetricValid: a symmetric odd kernel shorter than the ${h}x${w} image`);
  // rows filtered at the output columns, every row (the column pass reads half rows beyond the output's)
  const rows = scratch(h * ow);
  for (let r = 0; r < h; r++)
    for (let c = 0; c < ow; c++) rows[r * ow + c] = symmetricTaps(image, r * w + c + half, 1, k);
  for (let r = 0; r < oh; r++)
    for (let c = 0; c < ow; c++) out[r * ow + c] = symmetricTaps(rows, (r + half) * ow + c, ow, k);
}

/** An odd kernel equal to its mirror image (a PSF's 1-D factor). */
export function isSymmetric(k: Float64Array): boolean {
  if (k.length % 2 === 0) return false;
  for (let i = 0, j = k.length - 1; i < j; i++, j--) if (k[i] !== k[j]) return false;
  return true;
}

/**
 * rows[(r + pad) * w + c] = src row r filtered with the symmetric kernel k: each row is copied into the
 * zero-padded `line` (pad >= half zeros either side) so the taps need no bounds tests.
 */
function symmetricRows(
  src: ArrayLike<number>,
  rows: Float64Array,
  h: number,
  w: number,
  k: Float64Array,
  line: Float64Array,
  pad: number,
): void {
  for (let r = 0; r < h; r++) {
    const o = r * w,
      d = (r + pad) * w;
    for (let c = 0; c < w; c++) line[pad + c] = src[o + c];
    for (let c = 0; c < w; c++) rows[d + c] = symmetricTaps(line, c + pad, 1, k);
  }
}

/** dst row r = the columns of `rows` (h rows after `pad` zero rows) filtered with k. */
function symmetricColumns(
  rows: Float64Array,
  dst: Float64Array,
  h: number,
  w: number,
  k: Float64Array,
  pad: number,
): void {
  for (let r = 0; r < h; r++) {
    const o = r * w,
      s0 = (r + pad) * w;
    for (let c = 0; c < w; c++) dst[o + c] = symmetricTaps(rows, s0 + c, w, k);
  }
}

/** k0 v[i] + k1 (v[i - d] + v[i + d]) + k2 (v[i - 2d] + v[i + 2d]) + ...: one output of a symmetric pass. */
function symmetricTaps(v: Float64Array, i: number, d: number, k: Float64Array): number {
  const half = (k.length - 1) >> 1;
  let s = k[half] * v[i];
  for (let t = 1; t <= half; t++) s += k[half + t] * (v[i - t * d] + v[i + t * d]);
  return s;
}

/** dst (w x h) = transpose of src (h x w) convolved along its rows: dst[c] = sum_t k[t] src[c + half - t]. */
function generalRowPass(
  src: ArrayLike<number>,
  dst: Float64Array,
  h: number,
  w: number,
  k: Float64Array,
): void {
  const half = (k.length - 1) >> 1;
  for (let r = 0; r < h; r++) {
    const o = r * w;
    for (let c = 0; c < w; c++) {
      let s = 0;
      for (let t = 0; t < k.length; t++) {
        const cc = c + half - t;
        if (cc >= 0 && cc < w) s += k[t] * src[o + cc];
      }
      dst[c * h + r] = s;
    }
  }
}

export function convolveDirect(image: ArrayLike<number>, h: number, w: number, kernel: Kernel): Float64Array {
  const n = kernel.size,
    half = (n - 1) / 2,
    k = kernel.data;
  const out = new Float64Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let s = 0;
      for (let a = -half; a <= half; a++) {
        const rr = r - a;
        if (rr < 0 || rr >= h) continue;
        for (let b = -half; b <= half; b++) {
          const cc = c - b;
          if (cc < 0 || cc >= w) continue;
          s += image[rr * w + cc] * k[(a + half) * n + b + half];
        }
      }
      out[r * w + c] = s;
    }
  }
  return out;
}

// Kernel spectra per (kernel, padded size): a survey's few kernels are transformed once per thread.
const spectra = new WeakMap<Kernel, Map<number, { re: Float64Array; im: Float64Array }>>();

function kernelSpectrum(kernel: Kernel, n: number): { re: Float64Array; im: Float64Array } {
  let byN = spectra.get(kernel);
  if (!byN) spectra.set(kernel, (byN = new Map()));
  let spec = byN.get(n);
  if (!spec) {
    const ks = kernel.size,
      half = (ks - 1) / 2;
    const re = new Float64Array(n * n),
      im = new Float64Array(n * n);
    // kernel centred at (0, 0) with wrap-around, so the product's inverse is aligned with the image
    for (let r = 0; r < ks; r++) {
      for (let c = 0; c < ks; c++)
        re[((r - half + n) % n) * n + ((c - half + n) % n)] = kernel.data[r * ks + c];
    }
    fft2d(re, im, n);
    spec = { re, im };
    byN.set(n, spec);
  }
  return spec;
}

export function convolveFft(image: ArrayLike<number>, h: number, w: number, kernel: Kernel): Float64Array {
  const n = nextPow2(Math.max(h, w) + kernel.size - 1);
  const ar = new Float64Array(n * n),
    ai = new Float64Array(n * n);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) ar[r * n + c] = image[r * w + c];
  const { re: br, im: bi } = kernelSpectrum(kernel, n);
  fft2d(ar, ai, n);
  for (let i = 0; i < n * n; i++) {
    const re = ar[i] * br[i] - ai[i] * bi[i];
    ai[i] = ar[i] * bi[i] + ai[i] * br[i];
    ar[i] = re;
  }
  fft2d(ar, ai, n, true);
  const out = new Float64Array(h * w);
  const scale = 1 / (n * n);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) out[r * w + c] = ar[r * n + c] * scale;
  return out;
}

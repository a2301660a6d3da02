/**
 * Arc signal-to-noise of a lens cutout in one band, from the PSF-convolved lensed light. The arc image is only
 * needed where it can exceed the noise, so the convolution runs on the sub-image around those pixels; the result
 * is exactly (bit for bit) what convolving the whole arc image gives (test/sim/fast-render.test.ts).
 */
import { pixelVariance, type NoiseModel } from './noise.js';
import { convolve, convolveSeparableInto, type Kernel } from './psf.js';

/**
 * Arc SNR in one band: sum of the lensed light over pixels where it exceeds the pixel's noise sigma, over the
 * noise of those pixels, sqrt(sum variance) (the variance including lens light and sky). If no pixel exceeds
 * 1 sigma, the best single pixel's S / sigma.
 */
export function arcSnr(arc: ArrayLike<number>, total: ArrayLike<number>, model: NoiseModel): number {
  return arcSnrRegion(arc, total, model, 0, arc.length, 0, 1, 1, 1).snr;
}

/**
 * The sums of arcSnr over pixels (r, c) of rows [r0, r1) and columns [c0, c1) of a `size`-wide image, reading
 * the arc from `arc` (whose row stride is `stride`, origin at (r0, c0) when stride is the sub-image width).
 * When called with the whole image (r0 = 0, r1 = length, c0 = 0, c1 = 1, size = 1) it is arcSnr itself.
 */
function arcSnrRegion(
  arc: ArrayLike<number>,
  total: ArrayLike<number>,
  model: NoiseModel,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  size: number,
  stride: number,
): { snr: number; selected: boolean } {
  // pixelVariance inlined: ((max(S, 0) + sky) T + read variance) / T^2; a pixel counts when a > sigma, i.e.
  // a > 0 and a^2 > variance, so the square root is taken only for the best-pixel fallback
  const t = model.exposureTotal;
  const sky = model.skyPerPixel,
    rv = model.readVariance,
    t2 = t * t;
  let s = 0,
    v = 0;
  for (let r = r0; r < r1; r++) {
    for (let c = c0; c < c1; c++) {
      const a = arc[(r - r0) * stride + (c - c0)];
      if (!(a > 0)) continue;
      const tp = total[r * size + c];
      const varp = (((tp > 0 ? tp : 0) + sky) * t + rv) / t2;
      if (a * a > varp) {
        s += a;
        v += varp;
      }
    }
  }
  if (v > 0) return { snr: s / Math.sqrt(v), selected: true };
  let best = 0;
  for (let r = r0; r < r1; r++) {
    for (let c = c0; c < c1; c++) {
      const a = arc[(r - r0) * stride + (c - c0)];
      best = Math.max(best, a / Math.sqrt(pixelVariance(model, total[r * size + c])));
    }
  }
  return { snr: best, selected: false };
}

export interface ArcScratch {
  sub: Float64Array;
  subPsf: Float64Array;
  subTmp: Float64Array;
  full: Float64Array;
}

export function arcScratch(npix: number): ArcScratch {
  return {
    sub: new Float64Array(npix),
    subPsf: new Float64Array(npix),
    subTmp: new Float64Array(npix),
    full: new Float64Array(npix),
  };
}

/**
 * arcSnr of the PSF-convolved arc, given the arc before the PSF (`arcRaw`, size x size) and the convolved total.
 * A pixel's convolved arc is a kernel-weighted mean of raw arc pixels (the kernel is non-negative and sums to 1),
 * so it can exceed its sigma >= the sky-only sigma only within `half` pixels of a raw pixel that does; those
 * pixels' values need the raw arc within 2 `half` of such pixels. Falls back to the whole image when no raw pixel
 * reaches the sky sigma, when no pixel is selected (the best-pixel rule looks at every pixel), or for
 * non-separable kernels.
 */
export function arcSnrPsf(
  arcRaw: Float64Array,
  total: Float64Array,
  model: NoiseModel,
  kernel: Kernel,
  size: number,
  scratch: ArcScratch,
): number {
  const full = () => {
    if (kernel.separable)
      convolveSeparableInto(arcRaw, scratch.full, scratch.subTmp, size, size, kernel.separable);
    else scratch.full.set(convolve(arcRaw, size, size, kernel));
    return arcSnr(scratch.full, total, model);
  };
  if (!kernel.separable) return full();
  const sigMin = Math.sqrt(pixelVariance(model, 0));
  let r0 = size,
    r1 = -1,
    c0 = size,
    c1 = -1;
  for (let r = 0; r < size; r++) {
    const o = r * size;
    for (let c = 0; c < size; c++) {
      if (arcRaw[o + c] >= sigMin) {
        if (r < r0) r0 = r;
        if (r > r1) r1 = r;
        if (c < c0) c0 = c;
        if (c > c1) c1 = c;
      }
    }
  }
  if (r1 < 0) return full();
  const half = (kernel.separable.length - 1) >> 1;
  // inner: where the convolved arc can exceed sigma; region: the raw arc those pixels need
  const ir0 = Math.max(0, r0 - half),
    ir1 = Math.min(size, r1 + 1 + half),
    ic0 = Math.max(0, c0 - half),
    ic1 = Math.min(size, c1 + 1 + half);
  const R0 = Math.max(0, r0 - 2 * half),
    R1 = Math.min(size, r1 + 1 + 2 * half),
    C0 = Math.max(0, c0 - 2 * half),
    C1 = Math.min(size, c1 + 1 + 2 * half);
  const h = R1 - R0,
    w = C1 - C0;
  const sub = scratch.sub;
  for (let r = 0; r < h; r++) {
    const o = (R0 + r) * size + C0;
    for (let c = 0; c < w; c++) sub[r * w + c] = arcRaw[o + c];
  }
  const conv = scratch.subPsf;
  convolveSeparableInto(sub.subarray(0, h * w), conv, scratch.subTmp, h, w, kernel.separable);
  const inner = conv.subarray((ir0 - R0) * w + (ic0 - C0));
  const res = arcSnrRegion(inner, total, model, ir0, ir1, ic0, ic1, size, w);
  return res.selected ? res.snr : full();
}

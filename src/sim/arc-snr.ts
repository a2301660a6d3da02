/**
 * Arc signal-to-noise of a lens cutout in one band, from the PSF-convolved lensed light.
 */
import { pixelVariance, type NoiseModel } from './noise.js';

/**
 * Arc SNR in one band: sum of the lensed light over pixels where it exceeds the pixel's noise sigma, over the
 * noise of those pixels, sqrt(sum variance) (the variance including lens light and sky). If no pixel exceeds
 * 1 sigma, the best single pixel's S / sigma.
 */
export function arcSnr(arc: ArrayLike<number>, total: ArrayLike<number>, model: NoiseModel): number {
  // pixelVariance inlined: ((max(S, 0) + sky) T + read variance) / T^2; a pixel counts when a > sigma, i.e.
  // a > 0 and a^2 > variance, so the square root is taken only for the best-pixel fallback
  const t = model.exposureTotal;
  const sky = model.skyPerPixel,
    rv = model.readVariance,
    t2 = t * t;
  let s = 0,
    v = 0;
  for (let i = 0; i < arc.length; i++) {
    const a = arc[i];
    if (!(a > 0)) continue;
    const tp = total[i];
    const varp = (((tp > 0 ? tp : 0) + sky) * t + rv) / t2;
    if (a * a > varp) {
      s += a;
      v += varp;
    }
  }
  if (v > 0) return s / Math.sqrt(v);
  let best = 0;
  for (let i = 0; i < arc.length; i++)
    best = Math.max(best, arc[i] / Math.sqrt(pixelVariance(model, total[i])));
  return best;
}

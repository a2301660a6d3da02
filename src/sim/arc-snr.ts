/**
 * Arc signal-to-noise of a lens cutout in one band, from the PSF-convolved lensed light.
 */
import type { NoiseModel } from './noise.js';
import { arcSnrOf, type VarianceForm } from './wasm/kernels.js';

/** A noise model's terms of the pixel variance (noise.ts pixelVariance). */
export function varianceForm(model: NoiseModel): VarianceForm {
  return { t: model.exposureTotal, skyPerPixel: model.skyPerPixel, readVariance: model.readVariance };
}

/**
 * Arc SNR in one band: sum of the lensed light over pixels where it exceeds the pixel's noise sigma, over the
 * noise of those pixels, sqrt(sum variance) (the variance including lens light and sky). If no pixel exceeds
 * 1 sigma, the best single pixel's S / sigma. (The loop is wasm/sim/noise.ts arcSnr.)
 */
export function arcSnr(arc: ArrayLike<number>, total: ArrayLike<number>, model: NoiseModel): number {
  return arcSnrOf(arc, total, varianceForm(model));
}

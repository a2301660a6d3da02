/**
 * Survey noise in lenstronomy's units: images in e-/s. Over the total exposure T = exposure_time * num_exposures a
 * pixel collects Poisson((S + B) T) electrons (S: source e-/s, B: sky e-/s per pixel), plus Gaussian read noise of
 * read_noise * sqrt(num_exposures) e-; the sky is subtracted and the result divided by T.
 */
import type { Rng } from './rng.js';
import type { Band } from './survey.js';
import { addNoiseWith, type NoiseForm } from './wasm/kernels.js';

/** e-/s of a source of magnitude `mag` for a zero point giving 1 e-/s. */
export function magToCps(mag: number, zeroPoint: number): number {
  return Math.pow(10, -0.4 * (mag - zeroPoint));
}

export function cpsToMag(cps: number, zeroPoint: number): number {
  return zeroPoint - 2.5 * Math.log10(cps);
}

export interface NoiseModel {
  /** Total exposure time T, seconds. */
  exposureTotal: number;
  /** Sky e-/s per pixel. */
  skyPerPixel: number;
  /** Read-noise variance of the coadd in e-^2 (num_exposures * read_noise^2). */
  readVariance: number;
}

export function noiseModel(band: Band, pixelScale: number, readNoise: number): NoiseModel {
  return {
    exposureTotal: band.exposure_time * band.num_exposures,
    skyPerPixel: magToCps(band.sky_brightness, band.zero_point) * pixelScale * pixelScale,
    readVariance: band.num_exposures * readNoise * readNoise,
  };
}

/** Expected variance of a pixel, (e-/s)^2, for a noiseless signal `cps` e-/s (negative signal counts as 0). */
export function pixelVariance(model: NoiseModel, cps: number): number {
  const t = model.exposureTotal;
  return ((Math.max(cps, 0) + model.skyPerPixel) * t + model.readVariance) / (t * t);
}

/** Per-pixel variance map of a noiseless image. */
export function varianceMap(model: NoiseModel, image: ArrayLike<number>): Float64Array {
  const out = new Float64Array(image.length);
  for (let i = 0; i < out.length; i++) out[i] = pixelVariance(model, image[i]);
  return out;
}

/**
 * Above this many expected electrons a pixel's Poisson count is drawn from its normal limit N(lambda, lambda)
 * (skewness 1 / sqrt(lambda) <= 0.03), merged with the Gaussian read noise into one deviate; below it, exactly.
 * Sky-dominated survey pixels (LSST: ~3e4 e- of sky per pixel) all take the fast path.
 */
export const GAUSSIAN_LIMIT_COUNTS = 1000;

/** Adds noise to `image` (e-/s) in place: Poisson on source + sky, Gaussian read noise, sky subtracted. */
export function addNoise(image: Float32Array | Float64Array, model: NoiseModel, rng: Rng): void {
  addNoiseInto(image, image, model, rng);
}

/**
 * out[i] = image[i] with noise (out may be image itself, or a Float32 plane of the cutout). The loop runs in
 * WebAssembly (wasm/sim/kernels.ts) with the Rng's own draws: the same values as drawing here with rng.gaussZig()
 * and rng.poisson() (test/sim/noise-wasm.test.ts), at a fraction of the cost.
 */
export function addNoiseInto(
  image: ArrayLike<number>,
  out: Float32Array | Float64Array,
  model: NoiseModel,
  rng: Rng,
): void {
  addNoiseWith(image, out, noiseForm(model), rng);
}

/** The noise kernel's parameters in electrons. */
export function noiseForm(model: NoiseModel): NoiseForm {
  const t = model.exposureTotal;
  return { t, sky: model.skyPerPixel * t, readVariance: model.readVariance, limit: GAUSSIAN_LIMIT_COUNTS };
}

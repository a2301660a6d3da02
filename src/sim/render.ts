/**
 * renderCutout: one multi-band cutout [bands, H, W] in e-/s, a pure function of (scene config, survey, seed,
 * index, label). Supersampled light (lensed by ray shooting the sample grid), PSF per band, survey noise; metadata
 * with the lens parameters, total source magnification and arc signal-to-noise.
 */
import { ConfigError } from '../errors.js';
import { deflection } from './lens/index.js';
import { addLight } from './light/index.js';
import { noiseModel, addNoise, pixelVariance, type NoiseModel } from './noise.js';
import { convolve, psfKernel, type Kernel } from './psf.js';
import { downsample, sampleGrid, type SampleGrid } from './raster.js';
import { Rng } from './rng.js';
import { SceneDrawer, type Scene } from './scene/draw.js';
import { sceneSchema, type SceneConfig } from './scene/schema.js';
import { loadSurvey, surveyBand, type Survey } from './survey.js';

export { sceneSchema, loadSurvey };
export type { SceneConfig, Survey };

export interface RenderOptions {
  seed: number;
  index: number;
  label: 0 | 1;
  /** Cutout side in pixels. */
  size: number;
  /** Band names of the survey, in output order (default: the survey's default_bands). */
  bands?: string[];
}

export interface Cutout {
  /** [bands, size, size], e-/s per pixel; row 0 is the top (largest y), see raster.ts. */
  image: Float32Array;
  bands: string[];
  size: number;
  /**
   * label (0/1), negative_kind ('none' for lenses), theta_E (0 for non-lenses), q (mass axis ratio for lenses,
   * central galaxy light q otherwise), gamma (external shear), source_mag (unlensed, reference band),
   * source_x/source_y/source_offset (offset in theta_E units), deflector_mag, n_clumps, magnification (lensed
   * source flux inside the cutout / intrinsic flux), arc_snr (best band), attempts, seed, index.
   * Quantities that do not apply to non-lenses are NaN (source_*, magnification) or 0 (theta_E, gamma, arc_snr).
   */
  meta: Record<string, number | string>;
}

// Sub-stream ids of an image's generator: scene draws use attempt + 1, noise uses NOISE_STREAM.
const NOISE_STREAM = 0x7fffffff;

const kernels = new Map<string, Kernel>();
function bandKernel(survey: Survey, band: string, size: number): Kernel {
  const b = surveyBand(survey, band);
  const key = `${survey.name}|${survey.pixel_scale}|${band}|${b.psf}|${b.seeing}|${b.moffat_beta}|${size}`;
  let k = kernels.get(key);
  if (!k) {
    k = psfKernel(
      { type: b.psf, fwhm: b.seeing, beta: b.moffat_beta },
      survey.pixel_scale,
      size % 2 ? size : size - 1,
    );
    if (kernels.size > 64) kernels.clear();
    kernels.set(key, k);
  }
  return k;
}

/** Noiseless pixel images of a scene: all light, and the lensed light alone; plus the source's magnification. */
export function renderNoiseless(scene: Scene, grid: SampleGrid, nb: number) {
  const npix = grid.size * grid.size;
  const area = grid.pixelScale * grid.pixelScale;
  const total = Array.from({ length: nb }, () => new Float64Array(npix));
  const arc = Array.from({ length: nb }, () => new Float64Array(npix));
  let bx: Float64Array | undefined, by: Float64Array | undefined;
  const buf = new Float64Array(grid.x.length);
  let magnification = NaN;
  for (const light of scene.lights) {
    let xs: ArrayLike<number> = grid.x,
      ys: ArrayLike<number> = grid.y;
    if (light.lensed) {
      if (!bx) {
        const a = deflection(scene.mass, grid.x, grid.y);
        bx = a.x;
        by = a.y;
        for (let i = 0; i < bx.length; i++) {
          bx[i] = grid.x[i] - bx[i];
          by[i] = grid.y[i] - by[i];
        }
      }
      xs = bx;
      ys = by!;
    }
    buf.fill(0);
    addLight(light.shape, xs, ys, buf);
    const pix = downsample(grid, buf);
    let frac = 0;
    for (let p = 0; p < npix; p++) {
      pix[p] *= area;
      frac += pix[p];
    }
    // shapes have unit total flux, so the flux the pixels receive is the magnification of the (lensed) source
    if (light.role === 'source') magnification = frac;
    for (let b = 0; b < nb; b++) {
      const f = light.flux[b];
      const t = total[b],
        a = arc[b];
      for (let p = 0; p < npix; p++) t[p] += f * pix[p];
      if (light.lensed) for (let p = 0; p < npix; p++) a[p] += f * pix[p];
    }
  }
  return { total, arc, magnification };
}

/**
 * Arc SNR in one band: sum of the lensed light over pixels where it exceeds the pixel's noise sigma, over the
 * noise of those pixels, sqrt(sum variance) (the variance including lens light and sky). If no pixel exceeds
 * 1 sigma, the best single pixel's S / sigma.
 */
export function arcSnr(arc: ArrayLike<number>, total: ArrayLike<number>, model: NoiseModel): number {
  let s = 0,
    v = 0,
    best = 0;
  for (let p = 0; p < arc.length; p++) {
    const varp = pixelVariance(model, total[p]);
    const sig = Math.sqrt(varp);
    if (arc[p] > sig) {
      s += arc[p];
      v += varp;
    }
    best = Math.max(best, arc[p] / sig);
  }
  return v > 0 ? s / Math.sqrt(v) : best;
}

function checkOptions(opts: RenderOptions): void {
  if (!Number.isInteger(opts.size) || opts.size < 4 || opts.size > 4096)
    throw new ConfigError(`image size must be an integer in [4, 4096], got ${opts.size}`, 'size');
  if (!Number.isSafeInteger(opts.seed))
    throw new ConfigError(`seed must be an integer, got ${opts.seed}`, 'seed');
  if (!Number.isSafeInteger(opts.index) || opts.index < 0)
    throw new ConfigError(`index must be a non-negative integer, got ${opts.index}`, 'index');
  if (opts.label !== 0 && opts.label !== 1)
    throw new ConfigError(`label must be 0 or 1, got ${opts.label}`, 'label');
}

export function renderCutout(scene: SceneConfig, survey: Survey, opts: RenderOptions): Cutout {
  checkOptions(opts);
  const bands = opts.bands ?? survey.default_bands;
  const bandCfg = bands.map((b) => surveyBand(survey, b));
  const nb = bands.length;
  const size = opts.size;
  const ss = scene.supersampling;
  const grid = sampleGrid(size, survey.pixel_scale, {
    factor: ss.factor,
    centralFactor: ss.central_factor,
    centralRadius: ss.central_radius,
  });
  const models = bandCfg.map((b) => noiseModel(b, survey.pixel_scale, survey.read_noise));
  const drawer = new SceneDrawer(scene, survey, bands);
  const det = scene.detectability;
  const needCut = opts.label === 1 && (det.min_arc_snr > 0 || det.min_magnification > 0);
  const tries = needCut ? det.max_tries : 1;

  let drawn!: Scene;
  let images!: Float64Array[];
  let snr = 0,
    magnification = NaN,
    attempt = 0;
  for (attempt = 0; attempt < tries; attempt++) {
    const rng = Rng.forItem(opts.seed, opts.index, attempt + 1);
    drawn = opts.label === 1 ? drawer.lens(rng) : drawer.nonLens(rng);
    const r = renderNoiseless(drawn, grid, nb);
    images = r.total as Float64Array[];
    let arcs = r.arc as Float64Array[];
    if (scene.psf) {
      images = r.total.map((im, b) => convolve(im, size, size, bandKernel(survey, bands[b], size)));
      if (opts.label === 1)
        arcs = r.arc.map((im, b) => convolve(im, size, size, bandKernel(survey, bands[b], size)));
    }
    magnification = r.magnification;
    snr = opts.label === 1 ? Math.max(...arcs.map((a, b) => arcSnr(a, images[b], models[b]))) : 0;
    if (!needCut || (snr >= det.min_arc_snr && magnification >= det.min_magnification)) break;
  }
  attempt = Math.min(attempt, tries - 1);

  const out = new Float32Array(nb * size * size);
  const noiseRng = Rng.forItem(opts.seed, opts.index, NOISE_STREAM);
  for (let b = 0; b < nb; b++) {
    const plane = out.subarray(b * size * size, (b + 1) * size * size);
    const im = images[b];
    if (scene.noise) {
      const tmp = Float64Array.from(im);
      addNoise(tmp, models[b], noiseRng);
      plane.set(tmp);
    } else plane.set(im);
  }
  return {
    image: out,
    bands: [...bands],
    size,
    meta: {
      ...drawn.meta,
      magnification: opts.label === 1 ? magnification : NaN,
      arc_snr: snr,
      attempts: attempt + 1,
      seed: opts.seed,
      index: opts.index,
    },
  };
}

/** Parses a scene config (defaults filled, unknown keys rejected) with errors naming the field. */
export function parseScene(input: unknown): SceneConfig {
  const r = sceneSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const i = r.error.issues[0];
  const field = [...i.path, ...(i.code === 'unrecognized_keys' ? [(i as { keys: string[] }).keys[0]] : [])]
    .map(String)
    .join('.');
  throw new ConfigError(`invalid scene configuration: ${field || '(top level)'}: ${i.message}`, field);
}

/**
 * renderCutout: one multi-band cutout [bands, H, W] in e-/s, a pure function of (scene config, survey, seed,
 * index, label). Supersampled light (lensed by ray shooting the sample grid), PSF per band, survey noise; metadata
 * with the lens parameters, total source magnification and arc signal-to-noise.
 */
import { ConfigError } from '../errors.js';
import { arcSnr } from './arc-snr.js';
import type { BandPlanes } from './band-planes.js';
import { noiseModel } from './noise.js';
import { psfKernel, type Kernel } from './psf.js';
import { sampleGrid } from './raster.js';
import { Rng } from './rng.js';
import { drawConditions } from './conditions.js';
import { lightTruncation, renderField } from './render-field.js';
import { isResolved, SceneDrawer, type Scene } from './scene/draw.js';
import type { LensDraw } from './scene/population.js';
import { estimatedContrast } from './scene/visibility.js';
import { sceneSchema, type SceneConfig } from './scene/schema.js';
import { coarseGrid, measureArcs, SCREEN_MARGIN, shade, workspace } from './shade.js';
import type { PixelBox } from './wasm/kernels.js';
import { loadSurvey, type Band, type Survey } from './survey.js';

export { sceneSchema, loadSurvey, arcSnr };
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
   * central galaxy light q otherwise), gamma (external shear), sigma_v (km/s), z_lens, z_source, source_mag
   * (unlensed, reference filter), source_R, source_x/source_y/source_offset (offset in theta_E units),
   * deflector_mag, deflector_R, n_clumps, magnification (lensed source flux inside the cutout / intrinsic flux),
   * arc_snr (best band), arc_contrast (best band: the lensed light over all other light at the arcs' brightest
   * pixel), arc_span (best band: the fraction of the circle about the lens where the arcs are seen), attempts; the field (n_field, n_satellites, n_stars, n_neighbours: objects centred in the
   * cutout) and the observing conditions (exposure_scale, seeing_<band>, sky_<band>, depth_<band>: 5σ point-source
   * magnitude); seed, index. Quantities that do not apply are NaN (source_*, magnification, z_source, sigma_v of
   * non-lenses; z_* and sigma_v under the uniform population) or 0 (theta_E, gamma, arc_snr).
   */
  meta: Record<string, number | string>;
}

// Sub-stream ids of an image's generator: scene draws use attempt + 1, noise NOISE_STREAM, the observing
// conditions CONDITIONS_STREAM and the field FIELD_STREAM (so neither depends on the number of attempts).
const NOISE_STREAM = 0x7fffffff;
const CONDITIONS_STREAM = 0x7ffffffe;
const FIELD_STREAM = 0x7ffffffd;

const kernels = new Map<string, Kernel>();
function bandKernel(survey: Survey, b: Band, size: number): Kernel {
  const key = `${survey.pixel_scale}|${b.psf}|${b.seeing}|${b.moffat_beta}|${size}`;
  let k = kernels.get(key);
  if (!k) {
    k = psfKernel(
      { type: b.psf, fwhm: b.seeing, beta: b.moffat_beta },
      survey.pixel_scale,
      size % 2 ? size : size - 1,
    );
    if (kernels.size > 512) kernels.clear();
    kernels.set(key, k);
  }
  return k;
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
  const nb = bands.length;
  const size = opts.size;
  const ss = scene.supersampling;
  const grid = sampleGrid(size, survey.pixel_scale, {
    factor: ss.factor,
    centralFactor: ss.central_factor,
    centralRadius: ss.central_radius,
  });
  const conditions = drawConditions(survey, bands, Rng.forItem(opts.seed, opts.index, CONDITIONS_STREAM));
  const models = conditions.bands.map((b) => noiseModel(b, survey.pixel_scale, survey.read_noise));
  const truncation = lightTruncation(models);
  const drawer = drawerFor(scene, survey, bands);
  const det = scene.detectability;
  const needCut =
    opts.label === 1 &&
    (det.min_arc_snr > 0 ||
      det.min_magnification > 0 ||
      det.min_arc_contrast > 0 ||
      det.min_arc_span > 0 ||
      det.resolved);
  const tries = needCut ? det.max_tries : 1;
  const sharpest = Math.min(...conditions.bands.map((b) => b.seeing));
  const zeroPoints = conditions.bands.map((b) => b.zero_point),
    fwhm = conditions.bands.map((b) => b.seeing);
  // the cuts that depend on the lens's parameters alone, applied to the population's draws before rendering:
  // lenses are screened loosely (the rendered cuts decide), non-lens centrals at the cut itself (see visibility.ts)
  const screen = (factor: number) =>
    det.resolved || det.min_arc_contrast > 0
      ? (l: LensDraw) =>
          (!det.resolved || isResolved(l.thetaE, l.source.R, sharpest)) &&
          estimatedContrast(l, zeroPoints, fwhm) >= factor * det.min_arc_contrast
      : undefined;

  const ws = workspace(grid, nb);
  const planes = ws.planes;
  const kernels = scene.psf ? conditions.bands.map((b) => bandKernel(survey, b, size)) : [];
  // the planes the noise is added to: all light, through the PSF when there is one
  const image = (p: BandPlanes, b: number) => (scene.psf ? p.psf(b) : p.total(b));
  const convolveTotals = () => {
    if (scene.psf) for (let b = 0; b < nb; b++) planes.convolve(planes.total(b), planes.psf(b), kernels[b]);
  };
  let drawn!: Scene;
  let snr = 0,
    contrast = 0,
    span = 0,
    magnification = NaN,
    attempt = 0;
  // where the lens's last measure convolved its totals (per band)
  let reaches: PixelBox[] = [];
  for (attempt = 0; attempt < tries; attempt++) {
    const rng = Rng.forItem(opts.seed, opts.index, attempt + 1);
    drawn =
      opts.label === 1 ? drawer.lens(rng, screen(LENS_SCREEN)) : drawer.nonLens(rng, screen(CENTRAL_SCREEN));
    const last = attempt === tries - 1;
    // a draw failing the cheap cuts is re-drawn without its PSF and SNR (except the last, which is kept)
    if (
      needCut &&
      !last &&
      det.resolved &&
      !isResolved(Number(drawn.meta.theta_E), Number(drawn.meta.source_R), sharpest)
    )
      continue;
    // a quick look first, one sample per pixel: a draw clearly short of the cuts is re-drawn without its full render
    if (needCut && !last) {
      const look = measureArcs(drawn, coarseGrid(grid), nb, kernels, models, image, truncation);
      if (
        look.magnification < SCREEN_MARGIN * det.min_magnification ||
        look.snr < SCREEN_MARGIN * det.min_arc_snr ||
        look.contrast < SCREEN_MARGIN * det.min_arc_contrast ||
        look.span < SCREEN_MARGIN * det.min_arc_span
      )
        continue;
    }
    if (opts.label !== 1) {
      shade(drawn, grid, ws, truncation);
      break;
    }
    ({ magnification, snr, contrast, span, reaches } = measureArcs(
      drawn,
      grid,
      nb,
      kernels,
      models,
      image,
      truncation,
    ));
    if (
      !needCut ||
      (snr >= det.min_arc_snr &&
        magnification >= det.min_magnification &&
        contrast >= det.min_arc_contrast &&
        span >= det.min_arc_span)
    )
      break;
  }
  attempt = Math.min(attempt, tries - 1);
  // the field, drawn from its own stream, after the lens is chosen (its detectability is the lens's own)
  const field = drawer.field(
    drawn,
    size * survey.pixel_scale,
    Rng.forItem(opts.seed, opts.index, FIELD_STREAM),
  );
  renderField(field, grid, planes, truncation);
  // all light through the PSF: measuring a lens's arcs convolved its totals where the arcs are, so when the field
  // added nothing only the rest is left to convolve
  if (opts.label === 1 && reaches.length === nb && field.lights.length === 0 && field.points.length === 0) {
    for (let b = 0; b < nb; b++)
      planes.convolveOutside(planes.total(b), planes.psf(b), kernels[b], reaches[b]);
  } else convolveTotals();

  const npix = size * size;
  const out = new Float32Array(nb * npix);
  const noiseRng = Rng.forItem(opts.seed, opts.index, NOISE_STREAM);
  for (let b = 0; b < nb; b++) {
    const plane = out.subarray(b * npix, (b + 1) * npix);
    if (scene.noise) planes.addNoise(image(planes, b), plane, models[b], noiseRng);
    else plane.set(planes.view(image(planes, b)));
  }
  return {
    image: out,
    bands: [...bands],
    size,
    meta: {
      ...drawn.meta,
      magnification: opts.label === 1 ? magnification : NaN,
      arc_snr: snr,
      arc_contrast: contrast,
      arc_span: span,
      attempts: attempt + 1,
      ...field.meta,
      ...conditions.meta,
      seed: opts.seed,
      index: opts.index,
    },
  };
}

// estimatedContrast (bias-corrected) over the rendered arc_contrast has 5-95% range 0.3-3.5 on the LSST preset: lenses
// are screened at a third of the cut (few that would pass are lost), non-lens centrals at the cut
const LENS_SCREEN = 0.3;
const CENTRAL_SCREEN = 0.45;

// one drawer per (scene, survey, bands): building the populations' tables takes milliseconds
const drawers = new WeakMap<SceneConfig, WeakMap<Survey, Map<string, SceneDrawer>>>();
function drawerFor(scene: SceneConfig, survey: Survey, bands: readonly string[]): SceneDrawer {
  let bySurvey = drawers.get(scene);
  if (!bySurvey) drawers.set(scene, (bySurvey = new WeakMap()));
  let byBands = bySurvey.get(survey);
  if (!byBands) bySurvey.set(survey, (byBands = new Map()));
  const key = bands.join('|');
  let d = byBands.get(key);
  if (!d) byBands.set(key, (d = new SceneDrawer(scene, survey, bands)));
  return d;
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

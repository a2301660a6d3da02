/**
 * Paints ray-traced lensed sources onto real cutouts. For one cutout `[bands, size, size]`:
 * 1. its noise per band is measured from its outer pixels and its deflector (the galaxy nearest the centre) from
 *    its light (measure.ts): centre, axis ratio and angle, total magnitude;
 * 2. a lens is drawn as the simulator draws one (src/sim/scene/lens.ts) around that deflector: the mass centre is
 *    the light's, the SIE's axis ratio and angle are the light's with the scene's scatter, the shear, the source's
 *    offset and clumps are the scene's; the deflector-source pair comes from the simulator's lens population with the
 *    deflector's magnitude in the reference band within `mag_tolerance` of the measured one (or the closest of
 *    `max_draws` pairs), and θ_E is that pair's unless a catalogue gives it;
 * 3. the lensed light alone is rendered noiseless on the simulator's supersampled grid (renderNoiseless), through
 *    the band's PSF, and the scene's detectability cuts (resolved arcs, magnification, arc SNR against the cutout's
 *    own noise) re-draw it from the item's next sub-stream as the simulator does;
 * 4. Poisson noise of the added arc flux alone (the cutout already has its sky and source noise) is drawn with the
 *    band's gain, and the arc is added to the cutout.
 * Every random draw comes from Rng.forItem(seed, index, stream): an item's result depends on nothing else.
 */
import { arcSnr } from '../sim/arc-snr.js';
import { addNoiseInto, type NoiseModel } from '../sim/noise.js';
import { sampleGrid, type SampleGrid } from '../sim/raster.js';
import { renderNoiseless } from '../sim/shade.js';
import { Rng } from '../sim/rng.js';
import { isResolved, SceneDrawer, type Scene } from '../sim/scene/draw.js';
import { drawLens } from '../sim/scene/lens.js';
import { nonLensMeta } from '../sim/scene/meta.js';
import type { Galaxy, LensDraw } from '../sim/scene/population.js';
import { loadSurvey, surveyBand, type Survey } from '../sim/survey.js';
import type { InjectConfig } from './config.js';
import { checkBands } from './config.js';
import { borderStats, type BorderStats } from './border-noise.js';
import { measureDeflector, type DeflectorMeasure, type MeasureSetup } from './measure.js';
import { bandPsfs, PlaneConvolver, type BandPsf } from './psf.js';

/** Sub-stream of the arcs' Poisson noise (the simulator's noise stream id; attempts use 1, 2, ...). */
export const NOISE_STREAM = 0x7fffffff;

/** What is measured on a cutout before anything is added to it. */
export interface CutoutMeasure {
  stats: BorderStats;
  deflector: DeflectorMeasure;
}

/** A lens drawn for a cutout: the scene, its lensed light per band through the PSF, and the cuts' values. */
export interface LensChoice {
  scene: Scene;
  arc: Float64Array[];
  magnification: number;
  arcSnr: number;
  attempts: number;
  /** catalog, population (within the magnitude tolerance), population_nearest, or population_any (no magnitude). */
  thetaFrom: string;
  /** Deflector magnitude of the kept pair minus the measured one (reference band); NaN when not matched. */
  magOffset: number;
}

export type MetaRecord = Record<string, number | string>;

const RAD = Math.PI / 180;

/** The survey with the cutouts' pixel scale and zero points. */
function cutoutSurvey(base: Survey, bands: readonly string[], cfg: InjectConfig): Survey {
  const out: Survey = { ...base, pixel_scale: cfg.pixel_scale ?? base.pixel_scale, bands: { ...base.bands } };
  bands.forEach((b, i) => {
    if (cfg.zero_points) out.bands[b] = { ...surveyBand(base, b), zero_point: cfg.zero_points[i] };
  });
  return out;
}

export class Injector {
  readonly bands: string[];
  readonly pixelScale: number;
  readonly zeroPoints: number[];
  /** Electrons per cutout unit, per band (the arcs' Poisson noise). */
  readonly gains: number[];
  readonly psfs: BandPsf[];
  /** The survey as the cutouts have it (pixel scale and zero points). */
  readonly survey: Survey;
  readonly drawer: SceneDrawer;
  readonly grid: SampleGrid;
  /** Index of the band whose magnitude is matched to the population's deflectors. */
  readonly refBand: number;
  private readonly setup: MeasureSetup;
  private readonly convolver: PlaneConvolver;

  constructor(
    readonly cfg: InjectConfig,
    readonly size: number,
  ) {
    const bands = checkBands(cfg);
    const base = loadSurvey(cfg.survey);
    this.bands = [...bands];
    this.survey = cutoutSurvey(base, bands, cfg);
    this.pixelScale = this.survey.pixel_scale;
    this.zeroPoints = bands.map((b) => surveyBand(this.survey, b).zero_point);
    this.gains = bands.map((b, i) => {
      const sb = surveyBand(base, b);
      return (
        cfg.gain?.[i] ??
        sb.exposure_time * sb.num_exposures * Math.pow(10, 0.4 * (sb.zero_point - this.zeroPoints[i]))
      );
    });
    const bandSettings = bands.map((b) => surveyBand(this.survey, b));
    this.psfs = bandPsfs(cfg.psf, bandSettings, this.pixelScale, size);
    this.convolver = new PlaneConvolver(
      size,
      this.psfs.map((p) => p.kernel),
    );
    const scene = cfg.scene;
    this.drawer = new SceneDrawer(scene, this.survey, bands);
    const ss = scene.supersampling;
    this.grid = sampleGrid(size, this.pixelScale, {
      factor: ss.factor,
      centralFactor: ss.central_factor,
      centralRadius: ss.central_radius,
    });
    const ref =
      cfg.deflector.reference_band ??
      (bands.includes(scene.reference_band) ? scene.reference_band : bands[bands.length - 1]);
    this.refBand = bands.indexOf(ref);
    this.setup = {
      bands: bands.length,
      size,
      pixelScale: this.pixelScale,
      zeroPoints: this.zeroPoints,
      kernels: this.psfs.map((p) => p.kernel),
      convolve: (pixels, b) => this.convolver.apply(pixels, b),
      refBand: this.refBand,
      grid: this.grid,
      ctx: this.drawer.ctx,
      searchRadius: cfg.deflector.search_radius,
      detectSigma: cfg.deflector.detect_sigma,
      nSersic: cfg.deflector.n_sersic,
      psf: scene.psf,
    };
  }

  measure(image: ArrayLike<number>): CutoutMeasure {
    const stats = borderStats(image, this.bands.length, this.size);
    return { stats, deflector: measureDeflector(image, stats, this.setup) };
  }

  /** The scene's lensed lights alone, noiseless, per band through the PSF (e-/s or cutout units per pixel). */
  lensedLight(scene: Scene): { arc: Float64Array[]; magnification: number } {
    const lensed: Scene = { ...scene, lights: scene.lights.filter((l) => l.lensed), points: [] };
    const { arc, magnification } = renderNoiseless(lensed, this.grid, this.bands.length);
    return {
      arc: this.cfg.scene.psf ? arc.map((a, b) => this.convolver.apply(a, b)) : arc,
      magnification,
    };
  }

  /**
   * The noise model of band b as the cutout shows it: variance = sigma^2 (its border's) + signal / gain, in the
   * simulator's terms (exposure = gain, sky = sigma^2 gain, no read noise).
   */
  noiseModel(stats: BorderStats, b: number): NoiseModel {
    const g = this.gains[b];
    return { exposureTotal: g, skyPerPixel: stats.sigma[b] ** 2 * g, readVariance: 0 };
  }

  /** The best band's arc SNR (src/sim/arc-snr.ts) of `arc` added to `image`, against the cutout's own noise. */
  arcSnr(image: ArrayLike<number>, stats: BorderStats, arc: readonly Float64Array[]): number {
    const npix = this.size * this.size;
    let best = 0;
    const total = new Float64Array(npix);
    arc.forEach((a, b) => {
      for (let p = 0; p < npix; p++) total[p] = image[b * npix + p] - stats.level[b] + a[p];
      best = Math.max(best, arcSnr(a, total, this.noiseModel(stats, b)));
    });
    return best;
  }

  /** image + arc + Poisson noise of the arc alone (scene.noise) at each band's gain, as float32. */
  paint(image: ArrayLike<number>, arc: readonly Float64Array[], rng: Rng): Float32Array {
    const npix = this.size * this.size;
    const out = new Float32Array(this.bands.length * npix);
    const noisy = new Float64Array(npix);
    arc.forEach((a, b) => {
      if (this.cfg.scene.noise)
        addNoiseInto(a, noisy, { exposureTotal: this.gains[b], skyPerPixel: 0, readVariance: 0 }, rng);
      else noisy.set(a);
      for (let p = 0; p < npix; p++) out[b * npix + p] = image[b * npix + p] + noisy[p];
    });
    return out;
  }

  /** The deflector as a galaxy of the scene: the measured light, with the drawn pair's redshift. */
  private deflectorGalaxy(m: DeflectorMeasure, z: number): Galaxy {
    return {
      refMag: m.mags[this.refBand],
      mags: m.mags,
      R: Number.isFinite(m.R) ? m.R : 1,
      n: this.cfg.deflector.n_sersic,
      q: m.q,
      phi: m.phi,
      z,
      red: true,
    };
  }

  /** A deflector-source pair of the population whose deflector is as bright as the measured one (see the file). */
  private drawPair(rng: Rng, mag: number, thetaE?: number): { pair: LensDraw; from: string; offset: number } {
    const pop = this.drawer.ctx.pop;
    if (thetaE !== undefined || !Number.isFinite(mag)) {
      const pair = pop.lens(rng);
      return { pair, from: thetaE !== undefined ? 'catalog' : 'population_any', offset: NaN };
    }
    const tol = this.cfg.deflector.mag_tolerance;
    let best = pop.lens(rng);
    let offset = best.deflector.mags[this.refBand] - mag;
    for (let k = 1; k < this.cfg.deflector.max_draws && !(Math.abs(offset) <= tol); k++) {
      const pair = pop.lens(rng);
      const o = pair.deflector.mags[this.refBand] - mag;
      if (Math.abs(o) < Math.abs(offset)) [best, offset] = [pair, o];
    }
    return { pair: best, from: Math.abs(offset) <= tol ? 'population' : 'population_nearest', offset };
  }

  /**
   * Draws the lens of item `index` around the measured deflector, re-drawing (sub-streams 1, 2, ...) while it fails
   * the scene's detectability cuts, as the simulator does; the last draw is kept.
   */
  drawLens(image: ArrayLike<number>, m: CutoutMeasure, index: number, thetaE?: number): LensChoice {
    const det = this.cfg.scene.detectability;
    const needCut = det.min_arc_snr > 0 || det.min_magnification > 0 || det.resolved;
    const tries = needCut ? det.max_tries : 1;
    const sharpest = Math.min(...this.psfs.map((p) => p.fwhm));
    const d = m.deflector;
    let choice!: LensChoice;
    for (let attempt = 0; attempt < tries; attempt++) {
      const rng = Rng.forItem(this.cfg.seed, index, attempt + 1);
      const { pair, from, offset } = this.drawPair(rng, d.mags[this.refBand], thetaE);
      const lens: LensDraw = {
        deflector: this.deflectorGalaxy(d, pair.deflector.z),
        source: pair.source,
        thetaE: thetaE ?? pair.thetaE,
        sigma: thetaE === undefined ? pair.sigma : NaN,
      };
      const scene = drawLens(this.drawer.ctx, rng, { given: { cx: d.x, cy: d.y, lens } });
      const last = attempt === tries - 1;
      const meta = scene.meta;
      if (
        needCut &&
        !last &&
        det.resolved &&
        !isResolved(Number(meta.theta_E), Number(meta.source_R), sharpest)
      )
        continue;
      const { arc, magnification } = this.lensedLight(scene);
      choice = {
        scene,
        arc,
        magnification,
        arcSnr: 0,
        attempts: attempt + 1,
        thetaFrom: from,
        magOffset: offset,
      };
      if (needCut && magnification < det.min_magnification && !last) continue;
      choice.arcSnr = this.arcSnr(image, m.stats, arc);
      if (!needCut || (choice.arcSnr >= det.min_arc_snr && magnification >= det.min_magnification)) break;
    }
    return choice;
  }

  /** The measurement's manifest columns (every row has them). */
  measureMeta(m: CutoutMeasure): MetaRecord {
    const d = m.deflector;
    const meta: MetaRecord = {
      deflector_found: d.found ? 1 : 0,
      deflector_x: d.x,
      deflector_y: d.y,
      deflector_q: d.q,
      deflector_angle: d.phi / RAD,
    };
    this.bands.forEach((b, i) => (meta[`deflector_mag_${b}`] = d.mags[i]));
    this.bands.forEach((b, i) => (meta[`noise_${b}`] = m.stats.sigma[i]));
    return meta;
  }

  /** Injects a lens into item `index` (its image and measurement); θ_E from a catalogue when given. */
  inject(image: ArrayLike<number>, index: number, opts: { thetaE?: number; measure?: CutoutMeasure } = {}) {
    const m = opts.measure ?? this.measure(image);
    const choice = this.drawLens(image, m, index, opts.thetaE);
    const out = this.paint(image, choice.arc, Rng.forItem(this.cfg.seed, index, NOISE_STREAM));
    const meta: MetaRecord = {
      ...choice.scene.meta,
      magnification: choice.magnification,
      arc_snr: choice.arcSnr,
      attempts: choice.attempts,
      injected: 1,
      theta_E_from: choice.thetaFrom,
      mag_offset: choice.magOffset,
      ...this.measureMeta(m),
    };
    return { image: out, meta, choice };
  }

  /** The manifest columns of a cutout left as it is (a non-lens, or a lens of the input). */
  unchanged(m: CutoutMeasure, kind: string, label: number): MetaRecord {
    const d = m.deflector;
    return {
      ...nonLensMeta({
        label,
        kind,
        q: d.q,
        z_lens: NaN,
        deflector_mag: d.mags[this.refBand],
        deflector_R: d.R,
      }),
      magnification: NaN,
      arc_snr: 0,
      attempts: 0,
      injected: 0,
      theta_E_from: '',
      mag_offset: NaN,
      ...this.measureMeta(m),
    };
  }
}

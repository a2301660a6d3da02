/**
 * The forward model of `lensfind sersic`: one elliptical Sérsic galaxy (params.ts) in a `size` x `size` cutout of a
 * survey's bands, in e-/s per pixel, sky-subtracted: supersampled light through the simulator's renderer
 * (`sim.renderNoiseless`, the WebAssembly Sérsic within 5e-7 of the float64 `sim.surfaceBrightness`), the band's
 * PSF (`sim.psfKernel`, `sim.convolve`) and the survey's noise (`sim.noiseModel`, `sim.addNoise`: Poisson on
 * source + sky, read noise), at the survey's nominal depth and seeing.
 *
 * The light is rendered on a canvas centred on the galaxy's nearest pixel, so the renderer's extra supersampling
 * of the central pixels (`central_factor` within `central_radius` pixels) always falls on the galaxy's core, then
 * convolved and cropped to the cutout. The canvas reaches `max shift + PSF half-width` beyond the cutout on every
 * side, so light just outside the cutout is scattered into it as on the sky. The training data, `sersic check`,
 * the MCMC reference and the least-squares benchmark all use this one model.
 */
import { ConfigError } from '../errors.js';
import { renderNoiseless } from '../sim/shade.js';
import type { Scene } from '../sim/scene/draw.js';
import { sampleGrid, type SampleGrid } from '../sim/raster.js';
import { psfKernel, convolve, convolveSymmetricValid, isSymmetric, type Kernel } from '../sim/psf.js';
import { noiseModel, addNoise, magToCps, type NoiseModel } from '../sim/noise.js';
import { sersicEllipse } from '../sim/light/index.js';
import { surveyBand, type Survey } from '../sim/survey.js';
import type { Rng } from '../sim/rng.js';
import type { ParamSpace } from './params.js';

export interface RenderSettings {
  /** Cutout side in pixels. */
  size: number;
  bands: readonly string[];
  supersampling: { factor: number; central_factor: number; central_radius: number };
  psf: boolean;
  noise: boolean;
}

/** One band as rendered: zero point, PSF kernel, noise model, and the sky noise sigma (e-/s per pixel). */
export interface RenderBand {
  name: string;
  zeroPoint: number;
  kernel: Kernel | null;
  noise: NoiseModel;
  /** Standard deviation of an empty pixel (sky + read noise), e-/s. */
  sigma: number;
}

const DEG = Math.PI / 180;

export class SersicRenderer {
  readonly size: number;
  readonly pixelScale: number;
  readonly bands: RenderBand[];
  /** Pixels of canvas beyond the cutout on each side. */
  readonly margin: number;
  private readonly canvas: number;
  private readonly grid: SampleGrid;
  private readonly iMag: number[];
  private readonly iR: number;
  /** Per band, the 1-D factor of a symmetric separable PSF (filtered at the cutout's pixels only), else null. */
  private readonly validKernels: (Float64Array | null)[];

  constructor(
    readonly survey: Survey,
    readonly settings: RenderSettings,
    readonly space: ParamSpace,
  ) {
    const { size, bands } = settings;
    if (!Number.isInteger(size) || size < 8 || size > 1024)
      throw new ConfigError(`image_size must be an integer in [8, 1024], got ${size}`, 'image_size');
    if (bands.length !== space.nMag)
      throw new ConfigError(`bands: ${bands.length} bands but ${space.nMag} magnitudes`, 'bands');
    this.size = size;
    this.pixelScale = survey.pixel_scale;
    this.bands = bands.map((name) => {
      const b = surveyBand(survey, name);
      const noise = noiseModel(b, survey.pixel_scale, survey.read_noise);
      const t = noise.exposureTotal;
      return {
        name,
        zeroPoint: b.zero_point,
        kernel: settings.psf
          ? psfKernel({ type: b.psf, fwhm: b.seeing, beta: b.moffat_beta }, survey.pixel_scale, 63)
          : null,
        noise,
        sigma: Math.sqrt(noise.skyPerPixel * t + noise.readVariance) / t,
      };
    });
    const kh = Math.max(0, ...this.bands.map((b) => (b.kernel ? (b.kernel.size - 1) / 2 : 0)));
    const shift = (i: number) => {
      const [lo, hi] = space.bounds(i);
      return Math.ceil(Math.max(Math.abs(lo), Math.abs(hi)) / survey.pixel_scale + 0.5);
    };
    this.margin = Math.max(shift(space.index('center_x')), shift(space.index('center_y'))) + kh;
    this.canvas = size + 2 * this.margin;
    const ss = settings.supersampling;
    this.grid = sampleGrid(this.canvas, survey.pixel_scale, {
      factor: ss.factor,
      centralFactor: ss.central_factor,
      centralRadius: ss.central_radius,
    });
    this.iMag = Array.from({ length: space.nMag }, (_, b) => b);
    this.iR = space.index('R_sersic');
    this.validKernels = this.bands.map(({ kernel: k }) =>
      k?.separable && isSymmetric(k.separable) ? k.separable : null,
    );
  }

  /** e-/s of the galaxy's total light per band. */
  fluxes(theta: ArrayLike<number>, offset = 0): Float64Array {
    return Float64Array.from(this.bands, (b, k) => magToCps(theta[offset + this.iMag[k]], b.zeroPoint));
  }

  /**
   * The noiseless cutout [bands, size, size] (e-/s per pixel, row 0 the top) of a physical row, through the PSF.
   * `out` may be given to avoid an allocation.
   */
  noiseless(
    theta: ArrayLike<number>,
    offset = 0,
    out = new Float64Array(this.bands.length * this.size ** 2),
  ): Float64Array {
    const s = this.pixelScale;
    const R = theta[offset + this.iR],
      n = theta[offset + this.iR + 1],
      q = theta[offset + this.iR + 2],
      phi = theta[offset + this.iR + 3] * DEG,
      cx = theta[offset + this.iR + 4],
      cy = theta[offset + this.iR + 5];
    const ix = Math.round(cx / s),
      iy = Math.round(cy / s);
    const mags = this.fluxes(theta, offset);
    const scene: Scene = {
      lights: [
        {
          shape: sersicEllipse(R, n, q, phi, cx - ix * s, cy - iy * s),
          flux: mags,
          lensed: false,
          role: 'deflector',
        },
      ],
      points: [],
      mass: [],
      central: {
        galaxy: {
          z: 0,
          red: false,
          refMag: theta[offset],
          mags: new Float64Array(mags.length),
          R,
          n,
          q,
          phi,
        },
        cx,
        cy,
      },
      meta: {},
    };
    const planes = renderNoiseless(scene, this.grid, this.bands.length).total;
    const N = this.size,
      C = this.canvas,
      M = this.margin;
    for (let b = 0; b < this.bands.length; b++) {
      const k = this.bands[b].kernel;
      const kh = k ? (k.size - 1) / 2 : 0;
      // the window of the canvas that the cutout and its PSF wings read: rows r0.., columns c0..
      const r0 = M + iy - kh,
        c0 = M - ix - kh,
        W = N + 2 * kh;
      const win = new Float64Array(W * W);
      const plane = planes[b];
      for (let r = 0; r < W; r++) {
        const rr = r0 + r;
        if (rr < 0 || rr >= C) continue;
        for (let c = 0; c < W; c++) {
          const cc = c0 + c;
          if (cc >= 0 && cc < C) win[r * W + c] = plane[rr * C + cc];
        }
      }
      const dst = b * N * N;
      // a symmetric separable PSF (Gaussian): only the cutout's pixels are filtered, as the "same" convolution's
      const valid = this.validKernels[b];
      if (valid) {
        convolveSymmetricValid(win, W, W, valid, out.subarray(dst, dst + N * N));
        continue;
      }
      const conv = k ? convolve(win, W, W, k) : win;
      for (let r = 0; r < N; r++) {
        const src = (r + kh) * W + kh;
        for (let c = 0; c < N; c++) out[dst + r * N + c] = conv[src + c];
      }
    }
    return out;
  }

  /** A noisy cutout (float32 [bands, size, size]) of a physical row, noise drawn from `rng`. */
  render(theta: ArrayLike<number>, rng: Rng, offset = 0): Float32Array {
    const clean = this.noiseless(theta, offset);
    const out = new Float32Array(clean);
    if (this.settings.noise) {
      const N2 = this.size * this.size;
      for (let b = 0; b < this.bands.length; b++)
        addNoise(out.subarray(b * N2, (b + 1) * N2), this.bands[b].noise, rng);
    }
    return out;
  }
}

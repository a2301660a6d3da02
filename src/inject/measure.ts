/**
 * What a cutout says about its deflector (its noise per band comes from border-noise.ts), the galaxy nearest the
 * cutout centre: its light-weighted centre, the axis ratio and
 * angle of its light (windowed second moments, matched through the PSF by a model), and its total flux per band and
 * size from a PSF-convolved Sérsic fit.
 * Positions are in arcsec from the cutout centre with x to the right and y up (row 0 is the top: src/sim/raster.ts).
 */
import type { BorderStats } from './border-noise.js';
import { renderNoiseless } from '../sim/shade.js';
import type { Kernel } from '../sim/psf.js';
import type { SampleGrid } from '../sim/raster.js';
import type { SceneContext } from '../sim/scene/context.js';
import type { Scene } from '../sim/scene/draw.js';
import { axes, kernelVariance, windowMoments, windowShape, type WindowShape } from './moments.js';

export interface DeflectorMeasure {
  /** A central object above the detection threshold within the search radius. */
  found: boolean;
  /** Light-weighted centre, arcsec from the cutout centre. */
  x: number;
  y: number;
  /** Axis ratio and position angle (radians, counter-clockwise from +x) of the light before the PSF. */
  q: number;
  phi: number;
  /** Half-light radius (arcsec) of the fitted Sérsic profile. */
  R: number;
  /** Total flux per band (cutout units) of the fitted profile, and its magnitude through the zero points. */
  flux: Float64Array;
  mags: Float64Array;
  /** Pixels of the deflector's segment. */
  npix: number;
}

export interface MeasureSetup {
  bands: number;
  size: number;
  pixelScale: number;
  /** Per band. */
  zeroPoints: readonly number[];
  kernels: readonly Kernel[];
  /** A plane through band b's PSF kernel (the simulator's convolution: psf.ts Convolver). */
  convolve(pixels: Float64Array, b: number): Float64Array;
  /** Band of the centre, moments and segmentation. */
  refBand: number;
  /** The simulator's sample grid of the cutout (for the Sérsic model) and a scene context (its light helpers). */
  grid: SampleGrid;
  ctx: SceneContext;
  /** Arcsec from the centre where the peak is looked for. */
  searchRadius: number;
  /** Threshold of the deflector's pixels, in sigma of the smoothed reference band. */
  detectSigma: number;
  nSersic: number;
  /** Whether the models go through the PSF (scene.psf). */
  psf: boolean;
}

/** 3x3 binomial smoothing (1 2 1) x (1 2 1) / 16, edges renormalised. */
function smooth3(src: Float64Array, size: number): Float64Array {
  const out = new Float64Array(size * size);
  const w = [1, 2, 1];
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      let s = 0,
        ws = 0;
      for (let a = -1; a <= 1; a++)
        for (let b = -1; b <= 1; b++) {
          const rr = r + a,
            cc = c + b;
          if (rr < 0 || cc < 0 || rr >= size || cc >= size) continue;
          const k = w[a + 1] * w[b + 1];
          s += k * src[rr * size + cc];
          ws += k;
        }
      out[r * size + c] = s / ws;
    }
  return out;
}

const NOT_FOUND = (bands: number): DeflectorMeasure => ({
  found: false,
  x: 0,
  y: 0,
  q: 1,
  phi: 0,
  R: NaN,
  flux: new Float64Array(bands).fill(NaN),
  mags: new Float64Array(bands).fill(NaN),
  npix: 0,
});

/**
 * Measures the deflector of a cutout `[bands, size, size]` in the reference band, less its border level:
 * - the 3x3-smoothed image's highest pixel within `searchRadius` of the centre is the peak; none above `detectSigma`
 *   sigma (of the smoothed noise) means no deflector;
 * - its segment: pixels above the threshold reached from the peak without rising more than one sigma above the
 *   lowest pixel on the way (a neighbour beyond a saddle is left out); the other pixels above the threshold
 *   (neighbours), grown by one pixel, are masked;
 * - the centre: the centroid in a Gaussian window (sigma the larger of 2 px and the PSF's), iterated;
 * - the shape: windowed second moments (windowShape), the window's shape iterated to the light's; their axis ratio
 *   is then matched through the PSF: the q of the Sérsic model whose PSF-convolved image has the same windowed axis
 *   ratio (so the PSF's rounding, the window and the pixels are accounted for, not approximated);
 * - R and the total flux: a PSF-convolved Sérsic of index `nSersic` with that centre and shape, plus a constant,
 *   fitted by least squares over the unmasked pixels (R by golden-section search on ln R); its amplitude in each
 *   band is the band's total flux.
 */
export function measureDeflector(
  image: ArrayLike<number>,
  stats: BorderStats,
  setup: MeasureSetup,
): DeflectorMeasure {
  const { size, pixelScale: s, refBand } = setup;
  const npix = size * size;
  const h = (size - 1) / 2;
  const d = new Float64Array(npix);
  const off = refBand * npix;
  for (let i = 0; i < npix; i++) d[i] = image[off + i] - stats.level[refBand];
  const sm = smooth3(d, size);
  // white noise through the 3x3 binomial: sigma x (6 / 16)
  const sigmaS = 0.375 * stats.sigma[refBand];
  const t = setup.detectSigma * sigmaS;
  const rSearch = Math.max(1, setup.searchRadius / s);
  let peak = -1;
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      const p = r * size + c;
      if (Math.hypot(r - h, c - h) <= rSearch && (peak < 0 || sm[p] > sm[peak])) peak = p;
    }
  if (peak < 0 || !(sm[peak] > t)) return NOT_FOUND(setup.bands);
  const { masked, count } = segment(sm, size, peak, t, sigmaS);

  // windowed centroid (pixels, x right and y up from the centre)
  const psfVar = setup.psf ? kernelVariance(setup.kernels[refBand]) : 0;
  const sw = Math.max(2, Math.sqrt(psfVar));
  let xc = (peak % size) - h,
    yc = h - Math.floor(peak / size);
  const reach = Math.ceil(4 * sw);
  for (let it = 0; it < 30; it++) {
    let sx = 0,
      sy = 0,
      sf = 0;
    const r0 = Math.max(0, Math.floor(h - yc) - reach),
      r1 = Math.min(size - 1, Math.ceil(h - yc) + reach),
      c0 = Math.max(0, Math.floor(h + xc) - reach),
      c1 = Math.min(size - 1, Math.ceil(h + xc) + reach);
    for (let r = r0; r <= r1; r++)
      for (let c = c0; c <= c1; c++) {
        const p = r * size + c;
        if (masked[p]) continue;
        const x = c - h,
          y = h - r;
        const r2 = (x - xc) ** 2 + (y - yc) ** 2;
        if (r2 > 16 * sw * sw) continue;
        const w = Math.exp(-r2 / (2 * sw * sw)) * d[p];
        sx += w * x;
        sy += w * y;
        sf += w;
      }
    if (!(sf > 0)) break;
    const nx = sx / sf,
      ny = sy / sf;
    const moved = Math.hypot(nx - xc, ny - yc);
    xc = nx;
    yc = ny;
    if (moved < 1e-5) break;
  }

  const pixels = symmetricPixels(masked, size, xc, yc);
  const win = windowShape(d, pixels, size, xc, yc, Math.max(4, count / Math.PI / 36));
  const at = { x: xc * s, y: yc * s, q: win.q, phi: win.phi };
  const fit = new SersicFit(image, setup, masked);
  // R with the observed shape, the shape through the PSF at that R, then R again near the first value
  const R0 = fit.radius(at);
  at.q = matchAxisRatio(setup, R0, at, pixels, win, xc, yc);
  const R = fit.radius(at, R0);
  const { flux, mags } = fit.fluxes(R, at);
  return { found: true, ...at, R, flux, mags, npix: count };
}

/**
 * The deflector's segment from `peak` in the smoothed image `sm` (threshold t, noise sigma), and the mask of the
 * other objects above the threshold, grown by a pixel.
 */
function segment(
  sm: Float64Array,
  size: number,
  peak: number,
  t: number,
  sigma: number,
): { seg: Uint8Array; masked: Uint8Array; count: number } {
  const npix = size * size;
  const seg = new Uint8Array(npix);
  const floor = new Float64Array(npix);
  const queue = [peak];
  seg[peak] = 1;
  floor[peak] = sm[peak];
  let count = 1;
  while (queue.length > 0) {
    const p = queue.pop()!;
    const r = Math.floor(p / size),
      c = p % size;
    for (const [rr, cc] of [
      [r - 1, c],
      [r + 1, c],
      [r, c - 1],
      [r, c + 1],
    ]) {
      if (rr < 0 || cc < 0 || rr >= size || cc >= size) continue;
      const n = rr * size + cc;
      if (seg[n] || sm[n] <= t || sm[n] > floor[p] + sigma) continue;
      seg[n] = 1;
      floor[n] = Math.min(floor[p], sm[n]);
      queue.push(n);
      count++;
    }
  }
  const masked = new Uint8Array(npix);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      const p = r * size + c;
      if (seg[p] || sm[p] <= t) continue;
      for (let a = -1; a <= 1; a++)
        for (let b = -1; b <= 1; b++) {
          const rr = r + a,
            cc = c + b;
          if (rr >= 0 && cc >= 0 && rr < size && cc < size && !seg[rr * size + cc])
            masked[rr * size + cc] = 1;
        }
    }
  return { seg, masked, count };
}

/**
 * The unmasked pixels whose mirror image through (xc, yc) is unmasked too: an ellipse is point-symmetric, so a
 * neighbour's masked pixels remove the same light on both sides.
 */
function symmetricPixels(masked: Uint8Array, size: number, xc: number, yc: number): Int32Array {
  const h = (size - 1) / 2;
  const out: number[] = [];
  for (let p = 0; p < masked.length; p++) {
    const r = Math.floor(p / size),
      c = p % size;
    const mr = Math.round(2 * (h - yc) - r),
      mc = Math.round(2 * (h + xc) - c);
    if (!masked[p] && mr >= 0 && mc >= 0 && mr < size && mc < size && !masked[mr * size + mc]) out.push(p);
  }
  return Int32Array.from(out);
}

/**
 * The axis ratio before the PSF: the q whose PSF-convolved Sérsic model (radius R, the measured angle) shows the
 * data's raw windowed axis ratio in the same window over the same pixels (secant steps from the observed q).
 */
function matchAxisRatio(
  setup: MeasureSetup,
  R: number,
  at: { x: number; y: number; q: number; phi: number },
  pixels: Int32Array,
  win: WindowShape,
  xc: number,
  yc: number,
): number {
  const observed = (q: number) => {
    const m = modelImage(setup, R, { ...at, q }, setup.refBand);
    const mom = windowMoments(m, pixels, setup.size, xc, yc, win.wi);
    return mom ? axes(mom).q - win.raw : NaN;
  };
  const clampQ = (q: number) => Math.min(1, Math.max(0.05, q));
  let q0 = clampQ(win.q),
    f0 = observed(q0);
  let q1 = clampQ(q0 > 0.5 ? q0 - 0.1 : q0 + 0.1),
    f1 = observed(q1);
  for (let it = 0; it < 8 && Number.isFinite(f1) && Math.abs(f1) > 1e-4 && f1 !== f0; it++) {
    const q2 = clampQ(q1 - (f1 * (q1 - q0)) / (f1 - f0));
    [q0, f0] = [q1, f1];
    q1 = q2;
    f1 = observed(q1);
  }
  return Number.isFinite(f1) ? q1 : clampQ(win.q);
}

/** The unit-flux Sérsic's pixels (before the PSF) on the cutout's sample grid, by the simulator's renderer. */
function sersicPixels(setup: MeasureSetup, R: number, at: { x: number; y: number; q: number; phi: number }) {
  const galaxy = {
    refMag: NaN,
    mags: new Float64Array(1),
    R,
    n: setup.nSersic,
    q: at.q,
    phi: at.phi,
    z: NaN,
    red: true,
  };
  const shape = setup.ctx.sersic(R, setup.nSersic, at.q, at.phi, at.x, at.y);
  const scene: Scene = {
    lights: [{ shape, flux: new Float64Array([1]), lensed: false, role: 'deflector' }],
    points: [],
    mass: [],
    central: { galaxy, cx: at.x, cy: at.y },
    meta: {},
  };
  return renderNoiseless(scene, setup.grid, 1).total[0];
}

/** A unit-flux model's pixels through band b's PSF (scene.psf). */
function throughPsf(setup: MeasureSetup, pixels: Float64Array, b: number): Float64Array {
  return setup.psf ? setup.convolve(pixels, b) : pixels;
}

function modelImage(
  setup: MeasureSetup,
  R: number,
  at: { x: number; y: number; q: number; phi: number },
  b: number,
): Float64Array {
  return throughPsf(setup, sersicPixels(setup, R, at), b);
}

/** Least-squares fits of a Sérsic model plus a constant to a cutout's unmasked pixels. */
class SersicFit {
  constructor(
    private readonly image: ArrayLike<number>,
    private readonly setup: MeasureSetup,
    private readonly masked: Uint8Array,
  ) {}

  /** The model's amplitude in band b with a free constant, and the squared residual it removes. */
  private amplitude(m: Float64Array, b: number): { a: number; power: number } {
    const npix = this.setup.size * this.setup.size;
    let n = 0,
      sm = 0,
      sd = 0,
      smd = 0,
      smm = 0;
    const o = b * npix;
    for (let p = 0; p < npix; p++) {
      if (this.masked[p]) continue;
      const v = this.image[o + p];
      n++;
      sm += m[p];
      sd += v;
      smd += m[p] * v;
      smm += m[p] * m[p];
    }
    const cov = smd - (sm * sd) / n,
      vm = smm - (sm * sm) / n;
    return { a: vm > 0 ? cov / vm : NaN, power: vm > 0 && cov > 0 ? (cov * cov) / vm : 0 };
  }

  /**
   * The best R (arcsec) in the reference band: golden-section search on ln R, from a third of a pixel to the
   * cutout's side, or within a factor 1.16 of `near` (to 2%).
   */
  radius(at: { x: number; y: number; q: number; phi: number }, near?: number): number {
    const { pixelScale, size, refBand } = this.setup;
    const power = (lnR: number) =>
      this.amplitude(modelImage(this.setup, Math.exp(lnR), at, refBand), refBand).power;
    let lo = near ? Math.log(near) - 0.15 : Math.log(pixelScale / 3),
      hi = near ? Math.log(near) + 0.15 : Math.log(pixelScale * size);
    const g = (Math.sqrt(5) - 1) / 2;
    let c1 = hi - g * (hi - lo),
      c2 = lo + g * (hi - lo);
    let p1 = power(c1),
      p2 = power(c2);
    while (hi - lo > 0.02) {
      if (p1 >= p2) {
        [hi, c2, p2] = [c2, c1, p1];
        c1 = hi - g * (hi - lo);
        p1 = power(c1);
      } else {
        [lo, c1, p1] = [c1, c2, p2];
        c2 = lo + g * (hi - lo);
        p2 = power(c2);
      }
    }
    return Math.exp((lo + hi) / 2);
  }

  /** Total flux per band (the model's amplitude) and its magnitude. */
  fluxes(R: number, at: { x: number; y: number; q: number; phi: number }) {
    const pix = sersicPixels(this.setup, R, at);
    const flux = Float64Array.from(
      { length: this.setup.bands },
      (_, b) => this.amplitude(throughPsf(this.setup, pix, b), b).a,
    );
    const mags = flux.map((f, b) => (f > 0 ? this.setup.zeroPoints[b] - 2.5 * Math.log10(f) : NaN));
    return { flux, mags };
  }
}

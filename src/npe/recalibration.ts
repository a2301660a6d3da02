/**
 * Recalibration of the flow's posterior widths (`lensfind sersic calibrate`): each galaxy's draws are scaled about
 * their mean in the flow's unconstrained space z, by a factor that depends on the galaxy's signal-to-noise. A flow
 * trained too briefly is too wide where the data are good (bright galaxies: README "Sérsic-profile posteriors") and
 * about right elsewhere, so one global factor cannot fix it; the factor is a function of the SNR measured on the
 * image, fitted on simulated galaxies that neither training nor `check` uses. This is σ-scaling (Laves et al.
 * 2020) made local, as Levi et al. (2022) calibrate regression uncertainties bin by bin.
 *
 * The SNR is what the image shows, not the truth: sqrt(max(0, Σ sinh(x)² − pixels)) over the normalised image x
 * (sinh(x) is the pixel in units of its noise, so each pixel's noise adds 1 on average, and the sum is the
 * matched-filter SNR² of the galaxy plus its noise). It needs no fit and reads the same on any survey's cutouts.
 *
 * Components: every scalar coordinate (the logits of magnitude, R_e, n, centres) is scaled along its axis; the
 * shape's disk point (u1, u2) along two directions set by each galaxy's mean disk point, radial (the axis ratio q)
 * and tangential (the position angle φ), so the correction is rotation-invariant and q and φ get their own factors.
 * A galaxy's scaling is then one matrix per galaxy, A = I + Σ_c (s_c − 1) e_c e_cᵀ over the components' unit
 * directions e_c, applied to the draws' deviations from their mean.
 *
 * Fit, per component: galaxies are split into `bins` equal-count bins of log(1 + SNR). In each bin the factor s
 * minimises the squared distance of the coverage curve from the diagonal at levels 0.1..0.9 and 0.95 (a grid over s
 * in [1/4, 4]), on the draws' and the truth's deviations from the mean along the component's direction. The truth's
 * level under scaled draws is its level among the unscaled deviations after dividing its own by s, so no draws are
 * recomputed. Applied: log s is interpolated linearly in log(1 + SNR)
 * between the bins' medians, and held constant beyond the first and last.
 *
 * Recalibration makes intervals honest on the simulator's population; it cannot make them as narrow as the exact
 * posterior (`--refine` does), and it holds only where the data look like the training set.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LensfindError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { snakeCaseKeys } from '../io/snake-keys.js';
import type { ParamSpace } from './params.js';
import { centralLevel, coverageCurve } from './calibration.js';

export const RECALIBRATION_FILE = 'recalibration.json';

/** The levels whose coverage the fit brings to the diagonal. */
export const FIT_LEVELS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.68, 0.7, 0.8, 0.9, 0.95];

/** How a component's direction follows from a galaxy's mean: a coordinate axis, or radial / tangential in a plane. */
export type ComponentKind = 'axis' | 'radial' | 'tangential';

export interface ScaledComponent {
  kind: ComponentKind;
  name: string;
  /** The coordinates of z it lives in (one for an axis, two for radial and tangential). */
  dims: number[];
  /** Knots: each bin's median log(1 + SNR), ascending, and the factor fitted in it. */
  logSnr: number[];
  scale: number[];
  /** Galaxies per bin. */
  galaxies: number[];
}

export interface WidthScaling {
  method: 'width-scaling';
  /** Calibration galaxies and draws per galaxy. */
  galaxies: number;
  samples: number;
  components: ScaledComponent[];
}

export type ComponentSpec = Pick<ScaledComponent, 'kind' | 'name' | 'dims'>;

/** The components of a parameter space: each scalar's axis; radial and tangential in the shape's (u1, u2). */
export function scaledComponents(space: ParamSpace): ComponentSpec[] {
  const { qIndex } = space.layout();
  const out: ComponentSpec[] = [];
  for (let j = 0; j < space.dim; j++) {
    if (j === qIndex + 1) continue;
    if (j !== qIndex) out.push({ kind: 'axis', name: space.zNames[j], dims: [j] });
    else
      out.push(
        { kind: 'radial', name: 'shape_radial', dims: [j, j + 1] },
        { kind: 'tangential', name: 'shape_tangential', dims: [j, j + 1] },
      );
  }
  return out;
}

/** The unit direction of a component over its dims, given the galaxy's mean of each of them. */
export function componentDirection(c: Pick<ScaledComponent, 'kind'>, mean: readonly number[]): number[] {
  if (c.kind === 'axis') return [1];
  const r = Math.hypot(mean[0], mean[1]);
  // a round galaxy's mean sits at the disk's centre: any direction serves, its draws being isotropic there
  const [e1, e2] = r > 0 ? [mean[0] / r, mean[1] / r] : [1, 0];
  return c.kind === 'radial' ? [e1, e2] : [-e2, e1];
}

/** Mean of coordinate j of galaxy g's S draws, z [n, S, D] row-major. */
function drawMean(z: ArrayLike<number>, g: number, j: number, S: number, D: number): number {
  let m = 0;
  for (let k = 0; k < S; k++) m += z[(g * S + k) * D + j];
  return m / S;
}

/**
 * log(1 + SNR) of each of n normalised images x [n, ...] (asinh(pixel / sigma)): SNR² = max(0, Σ sinh(x)² − pixels).
 */
export function imageLogSnr(x: ArrayLike<number>, n: number): Float64Array {
  const per = x.length / n;
  const out = new Float64Array(n);
  for (let g = 0; g < n; g++) {
    let s = 0;
    for (let i = g * per; i < (g + 1) * per; i++) s += Math.sinh(x[i]) ** 2;
    out[g] = Math.log1p(Math.sqrt(Math.max(0, s - per)));
  }
  return out;
}

/** The factor of a component at log(1 + SNR) `lw`: log-linear between knots, constant beyond them. */
export function scaleAt(c: Pick<ScaledComponent, 'logSnr' | 'scale'>, lw: number): number {
  const { logSnr: x, scale: y } = c;
  if (x.length === 1 || lw <= x[0]) return y[0];
  const last = x.length - 1;
  if (lw >= x[last]) return y[last];
  let i = 0;
  while (lw > x[i + 1]) i++;
  const t = x[i + 1] > x[i] ? (lw - x[i]) / (x[i + 1] - x[i]) : 0;
  return Math.exp((1 - t) * Math.log(y[i]) + t * Math.log(y[i + 1]));
}

/** Number of sorted values below v, ties counting half. */
function rankIn(sorted: Float64Array, v: number): number {
  let lo = 0,
    hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  let eq = lo;
  while (eq < sorted.length && sorted[eq] === v) eq++;
  return lo + 0.5 * (eq - lo);
}

/** Candidate factors: log-spaced over [1/4, 4]. */
const SCALE_GRID = Array.from({ length: 161 }, (_, i) => Math.exp(Math.log(4) * (i / 80 - 1)));

/** The factor whose scaled deviations bring the coverage curve nearest the diagonal (FIT_LEVELS). */
function bestScale(items: readonly { sorted: Float64Array; truth: number }[], S: number): number {
  let best = 1,
    bestLoss = Infinity;
  const levels = new Float64Array(items.length);
  for (const s of SCALE_GRID) {
    items.forEach((it, i) => (levels[i] = centralLevel(rankIn(it.sorted, it.truth / s), S)));
    const curve = coverageCurve(levels, FIT_LEVELS);
    const loss = curve.reduce((acc, c, i) => acc + (c - FIT_LEVELS[i]) ** 2, 0);
    if (loss < bestLoss) {
      bestLoss = loss;
      best = s;
    }
  }
  return best;
}

/**
 * Fits the factors on n calibration galaxies: z draws [n, S, D] (the flow's unconstrained space, row-major), the
 * true z [n, D] and each galaxy's log(1 + SNR) (`imageLogSnr`).
 */
export function fitWidthScaling(
  z: ArrayLike<number>,
  zTrue: ArrayLike<number>,
  logSnr: ArrayLike<number>,
  n: number,
  S: number,
  D: number,
  components: readonly ComponentSpec[],
  bins = 8,
): WidthScaling {
  if (n < 2 * bins)
    throw new LensfindError('E_USAGE', `width recalibration needs at least ${2 * bins} galaxies, got ${n}`);
  const order = Array.from({ length: n }, (_, g) => g).sort((a, b) => logSnr[a] - logSnr[b]);
  const out: ScaledComponent[] = [];
  for (const c of components) {
    // per galaxy: its draws' and truth's deviations from the mean along the component's direction
    const items = order.map((g) => {
      const mean = c.dims.map((j) => drawMean(z, g, j, S, D));
      const e = componentDirection(c, mean);
      const along = (row: ArrayLike<number>, at: number) =>
        c.dims.reduce((acc, j, i) => acc + e[i] * (row[at + j] - mean[i]), 0);
      const sorted = new Float64Array(S);
      for (let k = 0; k < S; k++) sorted[k] = along(z, (g * S + k) * D);
      sorted.sort();
      return { sorted, truth: along(zTrue, g * D) };
    });
    const knots: number[] = [],
      scales: number[] = [],
      counts: number[] = [];
    for (let b = 0; b < bins; b++) {
      const lo = Math.floor((b * n) / bins),
        hi = Math.floor(((b + 1) * n) / bins);
      knots.push(logSnr[order[(lo + hi) >> 1]]);
      scales.push(bestScale(items.slice(lo, hi), S));
      counts.push(hi - lo);
    }
    out.push({ ...c, dims: [...c.dims], logSnr: knots, scale: scales, galaxies: counts });
  }
  return { method: 'width-scaling', galaxies: n, samples: S, components: out };
}

/**
 * Each galaxy's scaling matrix A = I + Σ_c (s_c − 1) e_c e_cᵀ, [m, D, D] row-major, for m galaxies with draw
 * means `mean(g, j)` and log(1 + SNR) `logSnr`.
 */
export function scalingMatrices(
  cal: WidthScaling,
  mean: (g: number, j: number) => number,
  logSnr: ArrayLike<number>,
  D: number,
): Float32Array {
  const m = logSnr.length;
  const out = new Float32Array(m * D * D);
  for (let g = 0; g < m; g++) {
    const A = out.subarray(g * D * D, (g + 1) * D * D);
    for (let j = 0; j < D; j++) A[j * D + j] = 1;
    for (const c of cal.components) {
      const e = componentDirection(
        c,
        c.dims.map((j) => mean(g, j)),
      );
      const s1 = scaleAt(c, logSnr[g]) - 1;
      c.dims.forEach((a, i) => c.dims.forEach((b, k) => (A[a * D + b] += s1 * e[i] * e[k])));
    }
  }
  return out;
}

/** Scales z draws [n, S, D] (row-major) in place: the plain-array form of what sampling does on the engine. */
export function applyWidthScaling(
  cal: WidthScaling,
  z: Float64Array | Float32Array,
  logSnr: ArrayLike<number>,
  S: number,
  D: number,
): void {
  const n = logSnr.length;
  const means = Array.from({ length: n }, (_, g) =>
    Array.from({ length: D }, (_, j) => drawMean(z, g, j, S, D)),
  );
  const A = scalingMatrices(cal, (g, j) => means[g][j], logSnr, D);
  const dev = new Float64Array(D);
  for (let g = 0; g < n; g++)
    for (let k = 0; k < S; k++) {
      const at = (g * S + k) * D;
      for (let j = 0; j < D; j++) dev[j] = z[at + j] - means[g][j];
      for (let a = 0; a < D; a++) {
        let v = means[g][a];
        for (let b = 0; b < D; b++) v += A[(g * D + a) * D + b] * dev[b];
        z[at + a] = v;
      }
    }
}

const KINDS: readonly ComponentKind[] = ['axis', 'radial', 'tangential'];

/** The run's recalibration, or undefined when it has none; a malformed file names what is wrong. */
export function readRecalibration(runDir: string, space: ParamSpace): WidthScaling | undefined {
  const file = path.join(runDir, RECALIBRATION_FILE);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LensfindError('E_RUN', `${file}: not valid JSON (${(e as Error).message})`);
  }
  const bad = (field: string, expected: string) =>
    new LensfindError('E_RUN', `${file}: ${field}: expected ${expected} (rerun lensfind sersic calibrate)`);
  const r = raw as Record<string, unknown>;
  if (r?.method !== 'width-scaling') throw bad('method', "'width-scaling'");
  if (!Array.isArray(r.components)) throw bad('components', 'a list');
  const numbers = (v: unknown): v is number[] =>
    Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  const components = (r.components as Record<string, unknown>[]).map((c, i): ScaledComponent => {
    const at = `components[${i}]`;
    if (!KINDS.includes(c?.kind as ComponentKind)) throw bad(`${at}.kind`, KINDS.join(' | '));
    const kind = c.kind as ComponentKind;
    const dims = c.dims;
    if (
      !numbers(dims) ||
      dims.length !== (kind === 'axis' ? 1 : 2) ||
      dims.some((d) => !Number.isInteger(d) || d < 0 || d >= space.dim)
    )
      throw bad(
        `${at}.dims`,
        `${kind === 'axis' ? 'one coordinate index' : 'two coordinate indices'} below ${space.dim}`,
      );
    if (!numbers(c.scale) || c.scale.some((x) => !(x > 0))) throw bad(`${at}.scale`, 'positive numbers');
    if (!numbers(c.log_snr) || c.log_snr.length !== c.scale.length)
      throw bad(`${at}.log_snr`, 'one number per scale');
    return {
      kind,
      name: String(c.name ?? ''),
      dims,
      logSnr: c.log_snr,
      scale: c.scale,
      galaxies: numbers(c.galaxies) ? c.galaxies : [],
    };
  });
  return { method: 'width-scaling', galaxies: Number(r.galaxies), samples: Number(r.samples), components };
}

export function writeRecalibration(runDir: string, cal: WidthScaling): string {
  const file = path.join(runDir, RECALIBRATION_FILE);
  writeFileAtomic(file, JSON.stringify(snakeCaseKeys(cal), null, 2) + '\n');
  return file;
}

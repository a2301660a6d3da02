/**
 * Calibration of posterior samples against known truths, on plain arrays (no engine), so any posterior (the flow,
 * an MCMC chain, a toy) is checked by the same code:
 * - expected coverage (Hermans et al. 2022): per parameter, the credibility level at which each truth is first
 *   inside the credible region; coverage(alpha) is the fraction of galaxies whose level is <= alpha. Linear
 *   parameters use central intervals (level |2r - 1| for the truth's posterior rank r); angles (period `period`)
 *   use arcs centred on the circular mean (level: fraction of samples nearer the centre than the truth).
 * - SBC ranks (Talts et al. 2018): the number of samples below the truth, histogrammed; flat when calibrated.
 * - TARP (Lemos et al. 2023): for each galaxy a reference point drawn uniformly in the unit box, f = fraction of
 *   samples nearer the reference than the truth; calibrated <=> f ~ Uniform(0, 1) for any reference law, so the
 *   expected coverage ECP(alpha) = P(f < alpha) is the diagonal. Passed when the Kolmogorov-Smirnov distance of f
 *   from uniform is below the 95% critical value 1.36 / sqrt(N).
 * Samples are [N, S, D] row-major (galaxy, draw, parameter), truths [N, D].
 */
import type { Rng } from '../sim/rng.js';

export interface PosteriorSet {
  /** Galaxies. */
  n: number;
  /** Draws per galaxy. */
  s: number;
  /** Parameters. */
  d: number;
  samples: ArrayLike<number>;
  truths: ArrayLike<number>;
}

/**
 * The level of the central interval a truth enters, from its rank among S draws (draws below it, ties counting
 * half): the rank's mid-point on S + 1 equal cells, uniform on (0, 1) when calibrated even for few draws.
 */
export function centralLevel(rank: number, S: number): number {
  return Math.abs(2 * ((rank + 0.5) / (S + 1)) - 1);
}

/** For parameter j: each galaxy's credibility level in [0, 1] at which its truth enters the credible region. */
export function credibilityLevels(set: PosteriorSet, j: number, period?: number): Float64Array {
  const { n, s, d, samples, truths } = set;
  const out = new Float64Array(n);
  for (let g = 0; g < n; g++) {
    const t = truths[g * d + j];
    const base = g * s * d + j;
    if (period === undefined) {
      let below = 0,
        equal = 0;
      for (let k = 0; k < s; k++) {
        const v = samples[base + k * d];
        if (v < t) below++;
        else if (v === t) equal++;
      }
      out[g] = centralLevel(below + 0.5 * equal, s);
    } else {
      const w = (2 * Math.PI) / period;
      let c = 0,
        sn = 0;
      for (let k = 0; k < s; k++) {
        const a = samples[base + k * d] * w;
        c += Math.cos(a);
        sn += Math.sin(a);
      }
      const centre = Math.atan2(sn, c) / w;
      const dist = (v: number) => {
        const x = Math.abs(v - centre) % period;
        return Math.min(x, period - x);
      };
      const dt = dist(t);
      let nearer = 0;
      for (let k = 0; k < s; k++) if (dist(samples[base + k * d]) < dt) nearer++;
      out[g] = nearer / s;
    }
  }
  return out;
}

/** Fraction of levels <= alpha for each alpha. */
export function coverageCurve(levels: ArrayLike<number>, alphas: readonly number[]): number[] {
  return alphas.map((a) => {
    let k = 0;
    for (let i = 0; i < levels.length; i++) if (levels[i] <= a) k++;
    return k / levels.length;
  });
}

/** SBC rank of each galaxy's truth for parameter j (0..S), and their histogram in `bins` bins. */
export function sbcRanks(
  set: PosteriorSet,
  j: number,
  bins = 20,
): { ranks: Int32Array; histogram: number[] } {
  const { n, s, d, samples, truths } = set;
  const ranks = new Int32Array(n);
  const histogram = new Array<number>(bins).fill(0);
  for (let g = 0; g < n; g++) {
    const t = truths[g * d + j];
    let r = 0;
    for (let k = 0; k < s; k++) if (samples[g * s * d + k * d + j] < t) r++;
    ranks[g] = r;
    histogram[Math.min(bins - 1, Math.floor((r / (s + 1)) * bins))]++;
  }
  return { ranks, histogram };
}

export interface TarpResult {
  alphas: number[];
  /** Expected coverage probability at each alpha. */
  ecp: number[];
  /** Kolmogorov-Smirnov distance of f from Uniform(0, 1). */
  ks: number;
  /** 95% critical value 1.36 / sqrt(N). */
  critical: number;
  passed: boolean;
  /** Area between ECP and the diagonal above alpha = 0.5 (Lemos et al.'s ATC: > 0 under-, < 0 over-confident). */
  atc: number;
}

/**
 * TARP on points already mapped into the unit box [0, 1]^D (e.g. `ParamSpace.unitCoords`), references drawn
 * uniformly from it with `rng`.
 */
export function tarp(set: PosteriorSet, rng: Rng, alphas: readonly number[] = defaultAlphas()): TarpResult {
  const { n, s, d, samples, truths } = set;
  const f = new Float64Array(n);
  const ref = new Float64Array(d);
  for (let g = 0; g < n; g++) {
    for (let j = 0; j < d; j++) ref[j] = rng.next();
    const dist2 = (arr: ArrayLike<number>, o: number) => {
      let q = 0;
      for (let j = 0; j < d; j++) q += (arr[o + j] - ref[j]) ** 2;
      return q;
    };
    const dt = dist2(truths, g * d);
    let k = 0;
    for (let m = 0; m < s; m++) if (dist2(samples, (g * s + m) * d) < dt) k++;
    f[g] = k / s;
  }
  f.sort();
  let ks = 0;
  for (let i = 0; i < n; i++) ks = Math.max(ks, Math.abs((i + 1) / n - f[i]), Math.abs(f[i] - i / n));
  const ecp = coverageCurve(f, alphas);
  let atc = 0;
  for (let i = 0; i < alphas.length; i++) if (alphas[i] > 0.5) atc += ecp[i] - alphas[i];
  const critical = 1.36 / Math.sqrt(n);
  return { alphas: [...alphas], ecp, ks, critical, passed: ks < critical, atc };
}

/** The nominal levels every report gives: 1σ and 2σ of a Gaussian. */
const NOMINAL: readonly [number, number] = [0.6827, 0.9545];

/** 0, 0.02, ..., 1. */
export function defaultAlphas(step = 0.02): number[] {
  return Array.from({ length: Math.round(1 / step) + 1 }, (_, i) => Math.min(1, i * step));
}

export interface ParameterCalibration {
  name: string;
  coverage68: number;
  coverage95: number;
  /** |coverage - nominal| <= tolerance at both levels. */
  passed: boolean;
  curve: number[];
  sbcHistogram: number[];
}

export interface CalibrationReport {
  galaxies: number;
  samples: number;
  tolerance: number;
  alphas: number[];
  parameters: ParameterCalibration[];
  tarp: TarpResult;
  passed: boolean;
}

/**
 * Coverage at 68% / 95%, curves and SBC histograms per parameter (angles through `periods[j]`), TARP on the
 * `unit` copies of samples and truths.
 */
export function calibrationReport(
  set: PosteriorSet,
  names: readonly string[],
  periods: readonly (number | undefined)[],
  unit: PosteriorSet,
  rng: Rng,
  tolerance = 0.05,
): CalibrationReport {
  const alphas = defaultAlphas();
  const parameters = names.map((name, j) => {
    const levels = credibilityLevels(set, j, periods[j]);
    const [c68, c95] = coverageCurve(levels, NOMINAL);
    return {
      name,
      coverage68: c68,
      coverage95: c95,
      passed: Math.abs(c68 - NOMINAL[0]) <= tolerance && Math.abs(c95 - NOMINAL[1]) <= tolerance,
      curve: coverageCurve(levels, alphas),
      sbcHistogram: sbcRanks(set, j).histogram,
    };
  });
  const t = tarp(unit, rng, alphas);
  return {
    galaxies: set.n,
    samples: set.s,
    tolerance,
    alphas,
    parameters,
    tarp: t,
    passed: t.passed && parameters.every((p) => p.passed),
  };
}

/** Coverage at 68% / 95% per parameter for the galaxies of one bin of a covariate (e.g. SNR). */
export interface BinCoverage {
  lower: number;
  /** null: no upper bound. */
  upper: number | null;
  galaxies: number;
  parameters: { name: string; coverage68: number; coverage95: number }[];
}

/**
 * Coverage per parameter within bins [edges[i], edges[i + 1]) of a per-galaxy covariate `values` [N]: a posterior
 * can be calibrated over the whole set and still too wide where the data are good and too narrow where they are
 * poor, which the overall curve averages away. The last edge may be Infinity; empty bins are left out.
 */
export function binnedCoverage(
  set: PosteriorSet,
  names: readonly string[],
  periods: readonly (number | undefined)[],
  values: ArrayLike<number>,
  edges: readonly number[],
): BinCoverage[] {
  const levels = names.map((_, j) => credibilityLevels(set, j, periods[j]));
  const out: BinCoverage[] = [];
  for (let b = 0; b + 1 < edges.length; b++) {
    const [lower, upper] = [edges[b], edges[b + 1]];
    const members: number[] = [];
    for (let g = 0; g < set.n; g++) if (values[g] >= lower && values[g] < upper) members.push(g);
    if (!members.length) continue;
    out.push({
      lower,
      upper: Number.isFinite(upper) ? upper : null,
      galaxies: members.length,
      parameters: names.map((name, j) => {
        const [coverage68, coverage95] = coverageCurve(
          members.map((g) => levels[j][g]),
          NOMINAL,
        );
        return { name, coverage68, coverage95 };
      }),
    });
  }
  return out;
}

/**
 * Adaptive importance sampling of a target density from a base proposal (the flow), in plain TypeScript.
 *
 * Why: a flow's posterior is an approximation; reweighting its draws by target / proposal turns them into draws of
 * the exact posterior whenever the likelihood can be evaluated, and the effective sample size says how good the
 * approximation was (Dax et al. 2023, "Neural importance sampling for rapid and reliable gravitational-wave
 * inference"). A flow that is too wide wastes most of its draws, so the proposal adapts (population Monte Carlo,
 * Cappé et al. 2004): after each round a multivariate Student-t is fitted to the weighted draws, and the next round
 * draws from a defensive mixture of that t and the base proposal (Hesterberg 1995), which keeps every weight bounded
 * where the t is thin. Rounds draw their components in fixed proportions and weight by the mixture's density (the
 * deterministic-mixture estimator, Owen & Zhou 2000). The last round's weights are the result.
 */
import { LensfindError } from '../errors.js';
import { logGamma, type Rng } from '../sim/rng.js';

/** A proposal over R^D: draws [S, D] (row-major) and their log densities [S]. */
export interface Proposal {
  sample(S: number): Float64Array;
  logDensity(z: Float64Array, S: number): Float64Array;
}

export interface AdaptiveOptions {
  /** Draws of each adaptation round; the first draws from the base proposal alone. */
  roundDraws: number;
  /** At most this many adaptation rounds before the last one. */
  maxRounds: number;
  /** Adaptation stops once a round's ESS / draws reaches this. */
  targetEfficiency: number;
  /** Draws of the last round, whose weights are returned. */
  draws: number;
  /** The base proposal's share of every later round (defensive mixture). */
  defensive: number;
  /** Degrees of freedom of the fitted Student-t (an integer). */
  dof: number;
  /** Covariance of the fitted t relative to the weighted draws' (> 1 keeps the tails covered). */
  inflate: number;
}

export const DEFAULT_ADAPTIVE: AdaptiveOptions = {
  roundDraws: 400,
  maxRounds: 16,
  targetEfficiency: 0.3,
  draws: 1000,
  defensive: 0.1,
  dof: 5,
  inflate: 1.25,
};

export interface ImportanceResult {
  /** The last round's draws [S, D]. */
  z: Float64Array;
  /** Their log weights log target - log proposal [S] (unnormalised). */
  logWeights: Float64Array;
  /** Kish's effective sample size (Σw)² / Σw² of the last round. */
  ess: number;
  /** Effective sample size of every round, the last included. */
  roundEss: number[];
  /** log of the mean weight: log of the target's normalising constant (the evidence, for a posterior). */
  logEvidence: number;
}

/** Kish's effective sample size and the log mean weight of log weights; 0 and -Infinity when none is finite. */
export function effectiveSampleSize(logW: ArrayLike<number>): { ess: number; logMean: number } {
  let max = -Infinity;
  for (let i = 0; i < logW.length; i++) if (logW[i] > max) max = logW[i];
  if (!Number.isFinite(max)) return { ess: 0, logMean: -Infinity };
  let s = 0,
    s2 = 0;
  for (let i = 0; i < logW.length; i++) {
    const w = Math.exp(logW[i] - max);
    s += w;
    s2 += w * w;
  }
  return { ess: (s * s) / s2, logMean: max + Math.log(s / logW.length) };
}

/** Lower Cholesky factor of a symmetric positive-definite D x D matrix (row-major), or null if it is not one. */
export function cholesky(a: Float64Array, D: number): Float64Array | null {
  const L = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * D + j];
      for (let k = 0; k < j; k++) s -= L[i * D + k] * L[j * D + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * D + i] = Math.sqrt(s);
      } else L[i * D + j] = s / L[j * D + j];
    }
  }
  return L;
}

/** A multivariate Student-t with location mu, scale matrix L Lᵀ and integer degrees of freedom. */
export class StudentT implements Proposal {
  private readonly logNorm: number;

  constructor(
    readonly mu: Float64Array,
    readonly L: Float64Array,
    readonly dof: number,
    private readonly rng: Rng,
  ) {
    const D = mu.length;
    let logDet = 0;
    for (let i = 0; i < D; i++) logDet += Math.log(L[i * D + i]);
    this.logNorm = logGamma((dof + D) / 2) - logGamma(dof / 2) - (D / 2) * Math.log(dof * Math.PI) - logDet;
  }

  sample(S: number): Float64Array {
    const D = this.mu.length;
    const out = new Float64Array(S * D);
    const g = new Float64Array(D);
    for (let s = 0; s < S; s++) {
      let chi2 = 0;
      for (let k = 0; k < this.dof; k++) chi2 += this.rng.normal() ** 2;
      const f = Math.sqrt(this.dof / chi2);
      for (let i = 0; i < D; i++) g[i] = this.rng.normal();
      for (let i = 0; i < D; i++) {
        let v = 0;
        for (let k = 0; k <= i; k++) v += this.L[i * D + k] * g[k];
        out[s * D + i] = this.mu[i] + f * v;
      }
    }
    return out;
  }

  logDensity(z: Float64Array, S: number): Float64Array {
    const D = this.mu.length;
    const out = new Float64Array(S);
    const y = new Float64Array(D);
    for (let s = 0; s < S; s++) {
      // solve L y = z - mu; the Mahalanobis distance is |y|²
      let d2 = 0;
      for (let i = 0; i < D; i++) {
        let v = z[s * D + i] - this.mu[i];
        for (let k = 0; k < i; k++) v -= this.L[i * D + k] * y[k];
        y[i] = v / this.L[i * D + i];
        d2 += y[i] * y[i];
      }
      out[s] = this.logNorm - ((this.dof + D) / 2) * Math.log1p(d2 / this.dof);
    }
    return out;
  }
}

/** Weights exp(logW) normalised to sum 1 (uniform when none is finite). */
export function normalisedWeights(logW: ArrayLike<number>): Float64Array {
  const S = logW.length;
  let max = -Infinity;
  for (let s = 0; s < S; s++) if (logW[s] > max) max = logW[s];
  const w = new Float64Array(S);
  let total = 0;
  for (let s = 0; s < S; s++) total += w[s] = Number.isFinite(max) ? Math.exp(logW[s] - max) : 1;
  for (let s = 0; s < S; s++) w[s] /= total;
  return w;
}

/** Weighted mean and covariance of draws z [S, D] under log weights (normalised inside). */
export function weightedMoments(
  z: Float64Array,
  logW: ArrayLike<number>,
  D: number,
): { mean: Float64Array; cov: Float64Array } {
  const S = logW.length;
  const w = normalisedWeights(logW);
  const mean = new Float64Array(D);
  for (let s = 0; s < S; s++) for (let i = 0; i < D; i++) mean[i] += w[s] * z[s * D + i];
  const cov = new Float64Array(D * D);
  for (let s = 0; s < S; s++) {
    const ws = w[s];
    if (ws === 0) continue;
    for (let i = 0; i < D; i++) {
      const di = z[s * D + i] - mean[i];
      for (let j = 0; j <= i; j++) cov[i * D + j] += ws * di * (z[s * D + j] - mean[j]);
    }
  }
  for (let i = 0; i < D; i++) for (let j = 0; j < i; j++) cov[j * D + i] = cov[i * D + j];
  return { mean, cov };
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * The exponent β in (0, 1] that gives weights w^β an effective sample size of at least `minEss` (β = 1 when the
 * weights have it already): bisection, as ESS grows as β falls.
 */
export function temperForEss(logW: Float64Array, minEss: number): number {
  const ess = (beta: number) => effectiveSampleSize(logW.map((v) => beta * v)).ess;
  if (ess(1) >= minEss) return 1;
  let lo = 0,
    hi = 1;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (ess(mid) >= minEss) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The t fitted to a round: the moments of its draws under tempered weights w^β, β the largest with an effective
 * sample size of at least a tenth of the round (and 4 D); so a round with a handful of effective draws still gives
 * a full-rank matrix, half way between the proposal and the target, and the proposal narrows down round by round
 * (annealed adaptation). Then inflated; a t with ν degrees of freedom has covariance ν / (ν - 2) times its scale.
 */
function fitT(
  z: Float64Array,
  logW: Float64Array,
  D: number,
  opts: AdaptiveOptions,
  rng: Rng,
): StudentT | null {
  const beta = temperForEss(logW, Math.max(4 * D, 0.1 * logW.length));
  const { mean, cov } = weightedMoments(
    z,
    logW.map((v) => beta * v),
    D,
  );
  const f = (opts.inflate * opts.inflate * (opts.dof - 2)) / opts.dof;
  const L = cholesky(
    cov.map((v) => v * f),
    D,
  );
  return L ? new StudentT(mean, L, opts.dof, rng) : null;
}

/**
 * Draws of `logTarget` (log density up to a constant, rows z [S, D] -> [S]) by adaptive importance sampling from
 * `base`. A round whose weights are all zero (no finite target) keeps the base proposal for the next round.
 */
export function adaptiveImportanceSample(
  logTarget: (z: Float64Array, S: number) => Float64Array,
  base: Proposal,
  D: number,
  rng: Rng,
  options: Partial<AdaptiveOptions> = {},
): ImportanceResult {
  const opts = { ...DEFAULT_ADAPTIVE, ...options };
  if (!Number.isInteger(opts.dof) || opts.dof < 3)
    throw new LensfindError('E_NPE', `importance sampling: dof must be an integer >= 3, got ${opts.dof}`);
  if (!(opts.defensive > 0 && opts.defensive <= 1))
    throw new LensfindError(
      'E_NPE',
      `importance sampling: defensive must be in (0, 1], got ${opts.defensive}`,
    );
  const ts: StudentT[] = []; // the t of rounds 1, 2, ...
  const sizes: number[] = [];
  const roundEss: number[] = [];
  let z: Float64Array = new Float64Array(0),
    logQ: Float64Array = new Float64Array(0),
    logTgt: Float64Array = new Float64Array(0);
  let logTs: Float64Array[] = []; // every t's log density at every pooled draw
  const a = Math.log(opts.defensive),
    b = Math.log1p(-opts.defensive);
  for (let round = 0; ; round++) {
    const t = ts.at(-1);
    const lastRound =
      round > opts.maxRounds || (round > 0 && roundEss[round - 1] >= opts.targetEfficiency * opts.roundDraws);
    const size = lastRound ? opts.draws : opts.roundDraws;
    const nBase = t ? Math.round(opts.defensive * size) : size;
    const zNew = new Float64Array(size * D);
    zNew.set(base.sample(nBase));
    if (t) zNew.set(t.sample(size - nBase), nBase * D);
    const logQNew = base.logDensity(zNew, size);
    const logTgtNew = logTarget(zNew, size);
    // this round's own efficiency, under the proposal it drew from (decides when adaptation stops)
    const logTNew = t?.logDensity(zNew, size);
    const own = Float64Array.from({ length: size }, (_, s) => {
      const logR = logTNew ? logAddExp(a + logQNew[s], b + logTNew[s]) : logQNew[s];
      return Number.isFinite(logTgtNew[s]) ? logTgtNew[s] - logR : -Infinity;
    });
    roundEss.push(effectiveSampleSize(own).ess);
    // pool every round's draws; weight them by the mixture of all rounds' proposals (AMIS)
    logTs = ts.map((tk, k) => concat(logTs[k], k === ts.length - 1 ? logTNew! : tk.logDensity(zNew, size)));
    z = concat(z, zNew);
    logQ = concat(logQ, logQNew);
    logTgt = concat(logTgt, logTgtNew);
    sizes.push(size);
    const N = logQ.length;
    const shareQ = Math.log((sizes[0] + opts.defensive * (N - sizes[0])) / N);
    const shareT = sizes.slice(1).map((n) => Math.log(((1 - opts.defensive) * n) / N));
    const logW = new Float64Array(N);
    for (let s = 0; s < N; s++) {
      let logR = shareQ + logQ[s];
      if (opts.defensive < 1)
        for (let k = 0; k < ts.length; k++) logR = logAddExp(logR, shareT[k] + logTs[k][s]);
      logW[s] = Number.isFinite(logTgt[s]) ? logTgt[s] - logR : -Infinity;
    }
    const { ess, logMean } = effectiveSampleSize(logW);
    if (lastRound) return { z, logWeights: logW, ess, roundEss, logEvidence: logMean };
    // the next t from this round's draws alone: pooled early rounds would hold it back where they were wide
    const next = roundEss[round] > 0 ? fitT(zNew, own, D, opts, rng) : null;
    // a round that could not fit a t draws again from the last one (or the base)
    const tk = next ?? t;
    if (tk) {
      ts.push(tk);
      logTs.push(tk.logDensity(z, N));
    }
  }
}

function concat(x: Float64Array, y: Float64Array): Float64Array {
  const out = new Float64Array(x.length + y.length);
  out.set(x);
  out.set(y, x.length);
  return out;
}

/**
 * Systematic resampling: `n` indices into the draws with probabilities proportional to exp(logW) (one uniform
 * offset; every draw appears floor or ceil of n w times). Uniform over the draws when no weight is finite.
 */
export function resampleSystematic(logW: ArrayLike<number>, n: number, rng: Rng): Int32Array {
  const S = logW.length;
  const w = normalisedWeights(logW);
  const out = new Int32Array(n);
  const u0 = rng.next();
  let cum = w[0],
    i = 0;
  for (let k = 0; k < n; k++) {
    const u = (k + u0) / n;
    while (u > cum && i < S - 1) cum += w[++i];
    out[k] = i;
  }
  return out;
}

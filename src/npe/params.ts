/**
 * The Sérsic parameter space of `lensfind sersic`: the physical parameters, their priors and bounds, and the
 * bijection to the unconstrained space R^D in which the flows work, with its log-Jacobian. Plain TypeScript on
 * typed arrays (no engine), so the data workers, the checks and the MCMC reference use the same code.
 *
 * Physical parameters, in this order (lenstronomy's names where it has them):
 *   mag (or mag_<band> per band)   total AB magnitude, the band's zero point giving 1 e-/s
 *   R_sersic                       half-light radius R_e in arcsec on the product-average elliptical radius
 *                                  R^2 = q x'^2 + y'^2 / q (as sim.surfaceBrightness), exact b_n
 *   n_sersic                       Sérsic index
 *   q                              axis ratio b/a in [q_min, 1]
 *   phi                            position angle of the major axis, degrees counter-clockwise from +x, in [0, 180)
 *   center_x, center_y             arcsec from the cutout centre (x to the right, y up)
 *
 * Unconstrained coordinates z:
 * - a bounded scalar x in [lo, hi] goes through s = (g(x) - g(lo)) / (g(hi) - g(lo)) and z = logit(s), with g the
 *   identity (uniform prior) or the log (log-uniform prior); the prior is then exactly a standard logistic in z;
 * - the shape (q, phi) is the point d (cos 2 phi, sin 2 phi) of the unit disk with d = sqrt((1 - q) / (1 - q_min)),
 *   mapped to R^2 radially by d = tanh|u| (u = (u1, u2)). The position angle is thereby periodic (period 180
 *   degrees) with no cut at 0/180, and it fades out smoothly as q -> 1, where it is undefined. The square root
 *   makes the map from (q, phi) to the disk area-preserving up to a constant, so the uniform prior on q and phi is
 *   uniform on the disk and its density in u is finite everywhere (with d = (1 - q) / (1 + q), lenstronomy's |e|,
 *   it would diverge as 1 / |u| at round galaxies, which a flow cannot represent). Physical e1, e2 come from
 *   `ellipticity()`.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { Rng } from '../sim/rng.js';

export const boundSchema = z.strictObject({
  min: z.number(),
  max: z.number(),
  /** uniform in the value, or uniform in its logarithm (min > 0). */
  prior: z.enum(['uniform', 'log-uniform']).default('uniform'),
});
export type Bound = z.output<typeof boundSchema>;

/** The priors (bounds and shape) of the seven parameters; defaults are issue 13's ranges. */
export const priorsSchema = z
  .strictObject({
    mag: boundSchema.default({ min: 15, max: 28, prior: 'uniform' }),
    R_sersic: boundSchema.default({ min: 0.1, max: 10, prior: 'log-uniform' }),
    n_sersic: boundSchema.default({ min: 0.3, max: 8, prior: 'log-uniform' }),
    /** q is uniform in [min, 1] (max must be 1: the shape disk has no hole). */
    q: boundSchema.default({ min: 0.1, max: 1, prior: 'uniform' }),
    center_x: boundSchema.default({ min: -5, max: 5, prior: 'uniform' }),
    center_y: boundSchema.default({ min: -5, max: 5, prior: 'uniform' }),
  })
  .prefault({});
export type Priors = z.output<typeof priorsSchema>;

/** What kind of coordinate a physical parameter is (for checks: phi's credible regions are arcs). */
export type ParamKind = 'linear' | 'angle';

interface Scalar {
  name: string;
  lo: number;
  hi: number;
  log: boolean;
  /** g(lo) and g(hi) - g(lo). */
  g0: number;
  span: number;
}

const LOG_2PI = Math.log(2 * Math.PI);
const DEG = Math.PI / 180;
/** s is kept this far inside (0, 1) so logit stays finite for values on the bounds. */
const S_EPS = 1e-7;

function softplus(x: number): number {
  return x > 30 ? x : x < -30 ? Math.exp(x) : Math.log1p(Math.exp(x));
}

/** log(tanh(r) / r), stable at r -> 0. */
function logTanhOverR(r: number): number {
  if (r < 1e-4) return -(r * r) / 3;
  return Math.log(Math.tanh(r) / r);
}

/** log(sech^2 r) = 2 log 2 - 2 r - 2 log(1 + e^-2r). */
function logSech2(r: number): number {
  return 2 * Math.LN2 - 2 * r - 2 * Math.log1p(Math.exp(-2 * r));
}

/**
 * The parameter space: names, priors, and the maps θ <-> z with log|det ∂z/∂θ|. Rows are stored contiguously
 * (`dim` values per galaxy) in Float64Array or Float32Array.
 */
export class ParamSpace {
  /** Physical parameter names, in row order. */
  readonly names: string[];
  /** Unconstrained coordinate names, in row order (mag..., log-odds names, e_u1, e_u2, ...). */
  readonly zNames: string[];
  readonly kinds: ParamKind[];
  readonly dim: number;
  /** Number of magnitude parameters (one per band). */
  readonly nMag: number;
  private readonly scalars: Scalar[];
  private readonly qIndex: number;
  readonly qMin: number;

  constructor(
    readonly priors: Priors,
    readonly bands: readonly string[] = ['i'],
  ) {
    if (bands.length === 0) throw new ConfigError('bands: at least one band is required', 'bands');
    const scalar = (name: string, b: Bound, key: string): Scalar => {
      if (!(b.max > b.min))
        throw new ConfigError(`priors.${key}: max (${b.max}) must be above min (${b.min})`, `priors.${key}`);
      const log = b.prior === 'log-uniform';
      if (log && !(b.min > 0))
        throw new ConfigError(
          `priors.${key}: a log-uniform prior needs min > 0, got ${b.min}`,
          `priors.${key}`,
        );
      const g = (v: number) => (log ? Math.log(v) : v);
      return { name, lo: b.min, hi: b.max, log, g0: g(b.min), span: g(b.max) - g(b.min) };
    };
    const q = priors.q;
    if (q.max !== 1) throw new ConfigError(`priors.q.max must be 1 (got ${q.max})`, 'priors.q.max');
    if (!(q.min > 0 && q.min < 1))
      throw new ConfigError(`priors.q.min must be in (0, 1), got ${q.min}`, 'priors.q.min');
    if (q.prior !== 'uniform')
      throw new ConfigError(
        `priors.q.prior: only 'uniform' is supported, got '${q.prior}'`,
        'priors.q.prior',
      );
    for (const k of ['R_sersic', 'n_sersic'] as const) {
      if (!(priors[k].min > 0))
        throw new ConfigError(`priors.${k}.min must be > 0, got ${priors[k].min}`, `priors.${k}.min`);
    }
    const mags =
      bands.length === 1
        ? [scalar('mag', priors.mag, 'mag')]
        : bands.map((b) => scalar(`mag_${b}`, priors.mag, 'mag'));
    this.nMag = mags.length;
    this.scalars = [
      ...mags,
      scalar('R_sersic', priors.R_sersic, 'R_sersic'),
      scalar('n_sersic', priors.n_sersic, 'n_sersic'),
      scalar('center_x', priors.center_x, 'center_x'),
      scalar('center_y', priors.center_y, 'center_y'),
    ];
    this.qMin = q.min;
    this.qIndex = this.nMag + 2;
    this.names = [...mags.map((m) => m.name), 'R_sersic', 'n_sersic', 'q', 'phi', 'center_x', 'center_y'];
    this.zNames = [
      ...mags.map((m) => `logit_${m.name}`),
      'logit_R_sersic',
      'logit_n_sersic',
      'u1',
      'u2',
      'logit_center_x',
      'logit_center_y',
    ];
    this.kinds = this.names.map((n) => (n === 'phi' ? 'angle' : 'linear'));
    this.dim = this.names.length;
  }

  /**
   * How rows are laid out, for vectorised maps elsewhere (params-tensor.ts): each scalar's row position, bounds,
   * log or not, g(lo) and span; the row position of q (phi follows it) and q_min.
   */
  layout(): {
    scalars: { index: number; lo: number; hi: number; log: boolean; g0: number; span: number }[];
    qIndex: number;
    qMin: number;
  } {
    return {
      scalars: this.scalars.map((s, k) => ({
        index: this.scalarIndex(k),
        lo: s.lo,
        hi: s.hi,
        log: s.log,
        g0: s.g0,
        span: s.span,
      })),
      qIndex: this.qIndex,
      qMin: this.qMin,
    };
  }

  /** Row positions of the scalar parameters (all but q and phi). */
  private scalarIndex(k: number): number {
    return k < this.nMag + 2 ? k : k + 2;
  }

  /** Index of a physical parameter by name (an error lists the names). */
  index(name: string): number {
    const i = this.names.indexOf(name);
    if (i < 0) throw new ConfigError(`unknown parameter '${name}' (parameters: ${this.names.join(', ')})`);
    return i;
  }

  /** The physical bounds of parameter i ([0, 180) for phi). */
  bounds(i: number): [number, number] {
    if (i === this.qIndex) return [this.qMin, 1];
    if (i === this.qIndex + 1) return [0, 180];
    const s = this.scalars[i < this.qIndex ? i : i - 2];
    return [s.lo, s.hi];
  }

  /** A draw from the prior into `out` at `offset` (physical values). */
  samplePrior(
    rng: Rng,
    out: Float64Array | Float32Array = new Float64Array(this.dim),
    offset = 0,
  ): typeof out {
    for (let k = 0; k < this.scalars.length; k++) {
      const s = this.scalars[k];
      const g = s.g0 + s.span * rng.next();
      out[offset + this.scalarIndex(k)] = s.log ? Math.exp(g) : g;
    }
    out[offset + this.qIndex] = this.qMin + (1 - this.qMin) * rng.next();
    out[offset + this.qIndex + 1] = 180 * rng.next();
    return out;
  }

  /** log prior density of a physical row (-Infinity outside the bounds); phi in degrees. */
  logPrior(theta: ArrayLike<number>, offset = 0): number {
    let lp = 0;
    for (let k = 0; k < this.scalars.length; k++) {
      const s = this.scalars[k];
      const x = theta[offset + this.scalarIndex(k)];
      if (!(x >= s.lo && x <= s.hi)) return -Infinity;
      lp += s.log ? -Math.log(x) - Math.log(s.span) : -Math.log(s.span);
    }
    const q = theta[offset + this.qIndex];
    if (!(q >= this.qMin && q <= 1)) return -Infinity;
    return lp - Math.log(1 - this.qMin) - Math.log(180);
  }

  /**
   * z of a physical row: writes `dim` values into z at zOffset and returns log|det ∂z/∂θ| (θ with phi in degrees).
   * Values on or beyond a bound are moved just inside it (the returned Jacobian is then that of the moved value).
   */
  toZ(theta: ArrayLike<number>, z: Float64Array | Float32Array, offset = 0, zOffset = 0): number {
    let logJac = 0;
    for (let k = 0; k < this.scalars.length; k++) {
      const s = this.scalars[k];
      const i = this.scalarIndex(k);
      const x = theta[offset + i];
      const gx = s.log ? Math.log(x) : x;
      const u = Math.min(1 - S_EPS, Math.max(S_EPS, (gx - s.g0) / s.span));
      z[zOffset + i] = Math.log(u) - Math.log1p(-u);
      // dz/dx = g'(x) / (span s (1 - s))
      logJac += (s.log ? -gx : 0) - Math.log(s.span) - Math.log(u) - Math.log1p(-u);
    }
    const q = Math.min(1, Math.max(this.qMin, theta[offset + this.qIndex]));
    const phi = theta[offset + this.qIndex + 1] * DEG;
    const d = Math.min(1 - S_EPS, Math.sqrt((1 - q) / (1 - this.qMin)));
    const rho = Math.atanh(d);
    z[zOffset + this.qIndex] = rho * Math.cos(2 * phi);
    z[zOffset + this.qIndex + 1] = rho * Math.sin(2 * phi);
    // |∂disk/∂(q, phi_deg)| = 2 DEG / (2 (1 - q_min)) is constant; then the radial map disk -> u
    logJac += this.shapeLogJac(rho);
    return logJac;
  }

  /**
   * The physical row of z: writes `dim` values into theta at offset and returns log|det ∂θ/∂z|
   * (= -toZ's for the same point). phi in degrees in [0, 180).
   */
  fromZ(z: ArrayLike<number>, theta: Float64Array | Float32Array, zOffset = 0, offset = 0): number {
    let logJac = 0;
    for (let k = 0; k < this.scalars.length; k++) {
      const s = this.scalars[k];
      const i = this.scalarIndex(k);
      const zi = z[zOffset + i];
      const logS = -softplus(-zi),
        log1mS = -softplus(zi);
      const g = s.g0 + s.span * Math.exp(logS);
      const x = s.log ? Math.exp(g) : g;
      theta[offset + i] = Math.min(s.hi, Math.max(s.lo, x));
      logJac += Math.log(s.span) + logS + log1mS + (s.log ? g : 0);
    }
    const u1 = z[zOffset + this.qIndex],
      u2 = z[zOffset + this.qIndex + 1];
    const rho = Math.hypot(u1, u2);
    const d = Math.tanh(rho);
    const q = 1 - (1 - this.qMin) * d * d;
    let phi = rho > 0 ? Math.atan2(u2, u1) / 2 / DEG : 0;
    if (phi < 0) phi += 180;
    if (phi >= 180) phi -= 180;
    theta[offset + this.qIndex] = Math.max(this.qMin, q);
    theta[offset + this.qIndex + 1] = phi;
    logJac -= this.shapeLogJac(rho);
    return logJac;
  }

  /** log|det ∂u/∂(q, phi_deg)| at radius rho = |u|. */
  private shapeLogJac(rho: number): number {
    return Math.log(DEG) - Math.log(1 - this.qMin) - logTanhOverR(rho) - logSech2(rho);
  }

  /** Many rows at once: z of n physical rows, and each row's log|det ∂z/∂θ|. */
  toZRows(theta: ArrayLike<number>, n: number): { z: Float32Array; logJac: Float64Array } {
    const z = new Float32Array(n * this.dim);
    const zz = new Float64Array(this.dim);
    const logJac = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      logJac[r] = this.toZ(theta, zz, r * this.dim, 0);
      z.set(zz, r * this.dim);
    }
    return { z, logJac };
  }

  /** Physical rows of n z rows (float64 arithmetic whatever the input). */
  fromZRows(z: ArrayLike<number>, n: number): Float64Array {
    const theta = new Float64Array(n * this.dim);
    for (let r = 0; r < n; r++) this.fromZ(z, theta, r * this.dim, r * this.dim);
    return theta;
  }

  /** log density of the prior in z (the prior pushed through toZ): used by the MCMC in z. */
  logPriorZ(z: ArrayLike<number>, zOffset = 0, scratch = new Float64Array(this.dim)): number {
    const lj = this.fromZ(z, scratch, zOffset, 0);
    return this.logPrior(scratch) + lj;
  }

  /**
   * Physical rows mapped into the unit box [0, 1]^D, for TARP's distances: each scalar by its prior's scale
   * ((g(x) - g(lo)) / span), the shape as its disk point ((1 + d cos 2 phi) / 2, (1 + d sin 2 phi) / 2), so
   * phi near 0 and near 180 are near each other.
   */
  unitCoords(theta: ArrayLike<number>, n: number): Float64Array {
    const D = this.dim;
    const out = new Float64Array(n * D);
    for (let r = 0; r < n; r++) {
      const o = r * D;
      for (let k = 0; k < this.scalars.length; k++) {
        const sc = this.scalars[k];
        const i = this.scalarIndex(k);
        const x = theta[o + i];
        out[o + i] = ((sc.log ? Math.log(x) : x) - sc.g0) / sc.span;
      }
      const q = Math.min(1, Math.max(this.qMin, theta[o + this.qIndex]));
      const d = Math.sqrt((1 - q) / (1 - this.qMin));
      const a = 2 * theta[o + this.qIndex + 1] * DEG;
      out[o + this.qIndex] = (1 + d * Math.cos(a)) / 2;
      out[o + this.qIndex + 1] = (1 + d * Math.sin(a)) / 2;
    }
    return out;
  }

  /** The period of each parameter (180 for phi, undefined otherwise), for the coverage of angles. */
  periods(): (number | undefined)[] {
    return this.kinds.map((k) => (k === 'angle' ? 180 : undefined));
  }

  /** e1, e2 (lenstronomy) of a physical row. */
  ellipticity(theta: ArrayLike<number>, offset = 0): { e1: number; e2: number } {
    const q = theta[offset + this.qIndex],
      phi = theta[offset + this.qIndex + 1] * DEG;
    const e = (1 - q) / (1 + q);
    return { e1: e * Math.cos(2 * phi), e2: e * Math.sin(2 * phi) };
  }

  /** A plain description for config.yaml / summaries. */
  describe(): { names: string[]; zNames: string[]; bounds: [number, number][] } {
    return { names: this.names, zNames: this.zNames, bounds: this.names.map((_, i) => this.bounds(i)) };
  }
}

/** log N(x; 0, 1) summed over a row (the flows' base density, here for tests and the MCMC). */
export function standardNormalLogPdf(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += -0.5 * x[i] * x[i];
  return s - 0.5 * x.length * LOG_2PI;
}

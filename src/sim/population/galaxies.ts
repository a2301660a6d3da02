/**
 * Galaxies along the line of sight, drawn from published relations: magnitudes from number counts, redshifts from
 * the magnitude-dependent redshift distribution, red or blue type from the red and blue luminosity functions,
 * spectra (hence colours in every band) from the Dirichlet template mixes, sizes from the size-luminosity relations
 * of Shen et al. (2003) with the size evolution of van der Wel et al. (2014), Sérsic indices by type, and axis
 * ratios from randomly inclined thick discs or from the observed distribution of ellipticals.
 */
import type { FlatLambdaCDM } from '../cosmology.js';
import type { Rng } from '../rng.js';
import type { CountsConfig, PopulationConfig } from './schema.js';
import { absoluteMag, BLUE_SED, drawCoefficients, galaxyMags, meanCoefficients, RED_SED } from './sed.js';

/** A galaxy's light: magnitudes per output band and a Sérsic shape (z is NaN where a model has no redshifts). */
export interface Galaxy {
  z: number;
  red: boolean;
  /** Magnitude in the population's reference filter (the counts' filter, or the uniform model's reference band). */
  refMag: number;
  /** AB magnitudes in the output bands' filters. */
  mags: Float64Array;
  /** Sérsic half-light radius (arcsec), index, axis ratio, position angle (radians). */
  R: number;
  n: number;
  q: number;
  phi: number;
}

/** A galaxy drawn from the spectral templates. */
export interface GalaxyDraw extends Galaxy {
  /** Template coefficients (sed.ts). */
  coeffs: Float64Array;
}

/** N(<m) per arcmin^2 of power-law counts. */
export function cumulativeCounts(c: Pick<CountsConfig, 'density' | 'at_mag' | 'slope'>, m: number): number {
  return c.density * Math.pow(10, c.slope * (m - c.at_mag));
}

/** A magnitude in [lo, hi) distributed as power-law counts (inverse of the truncated cumulative counts). */
export function drawCountsMag(slope: number, lo: number, hi: number, rng: Rng): number {
  if (slope < 1e-9) return rng.uniform(lo, hi);
  const a = Math.pow(10, slope * lo),
    b = Math.pow(10, slope * hi);
  return Math.log10(a + rng.next() * (b - a)) / slope;
}

// Schechter luminosity functions of blue and red galaxies in rest-frame B (SkyPy's SDSS photometry example, after
// Lopez-Sanjuan et al. 2017): M*(z) linear, phi*(z) = A exp(z / tau). Only their ratio is used here (the type mix).
const BLUE_LF = {
  mSlope: -0.9408582,
  mIntercept: -20.40492365,
  phiA: 0.00370253,
  phiTau: -9.73858,
  alpha: -1.3,
};
const RED_LF = {
  mSlope: -0.70798041,
  mIntercept: -20.37196157,
  phiA: 0.0035097,
  phiTau: -1.41649,
  alpha: -0.5,
};

function schechterMag(lf: typeof BLUE_LF, M: number, z: number): number {
  const mStar = lf.mSlope * z + lf.mIntercept;
  const phiStar = lf.phiA * Math.exp(z / lf.phiTau);
  const x = Math.pow(10, 0.4 * (mStar - M));
  return 0.4 * Math.LN10 * phiStar * Math.pow(x, lf.alpha + 1) * Math.exp(-x);
}

// Shen et al. (2003, MNRAS 343, 978), Table 1: median half-light radius (kpc) against SDSS r absolute magnitude
const SHEN = {
  alpha: 0.21,
  beta: 0.53,
  gamma: -1.31,
  a: 0.6,
  b: -4.63,
  M0: -20.52,
  sigma1: 0.48,
  sigma2: 0.25,
};
// van der Wel et al. (2014, ApJ 788, 28): R_e ∝ (1 + z)^-0.75 (late types), (1 + z)^-1.48 (early types), at fixed
// mass; Shen's SDSS sample is at z ~ 0.1
const SIZE_EVOLUTION = { late: -0.75, early: -1.48, zRef: 0.1 };

/** Median half-light radius (kpc) at z = 0.1 of a galaxy of SDSS r absolute magnitude M, and its ln scatter. */
export function shenSize(M: number, red: boolean): { median: number; sigmaLn: number } {
  const s = SHEN;
  const lateLog =
    -0.4 * s.alpha * M + (s.beta - s.alpha) * Math.log10(1 + Math.pow(10, -0.4 * (M - s.M0))) + s.gamma;
  // the early-type relation is fitted to bright ellipticals; fainter red galaxies follow the late-type one
  const log = red ? Math.max(-0.4 * s.a * M + s.b, lateLog - 0.15) : lateLog;
  const sigmaLn = s.sigma2 + (s.sigma1 - s.sigma2) / (1 + Math.pow(10, -0.8 * (M - s.M0)));
  return { median: Math.pow(10, log), sigmaLn };
}

/** Axis ratio of a randomly inclined disc of intrinsic thickness q0 (cos i uniform). */
export function inclinedDiscQ(q0: number, rng: Rng): number {
  const c = rng.next();
  return Math.sqrt(c * c + q0 * q0 * (1 - c * c));
}

// the red-fraction table's grid: magnitudes m0..m1, redshifts 0..z1
const RF = { m0: 12, m1: 32, dm: 0.1, nm: 201, z1: 4, dz: 0.05, nz: 81 };

const DISC_THICKNESS = 0.2; // intrinsic C/A of discs (Unterborn & Ryden 2008, ApJ 687, 976)

/** Draws galaxies for the output bands' `filters` (one per band) from the configured population. */
export class GalaxyModel {
  constructor(
    readonly pop: PopulationConfig,
    readonly cosmo: FlatLambdaCDM,
    readonly filters: readonly string[],
  ) {}

  get counts(): CountsConfig {
    return this.pop.counts;
  }

  /** Expected galaxies per arcmin^2 with magnitudes in [lo, hi). */
  density(lo: number, hi: number): number {
    return cumulativeCounts(this.counts, hi) - cumulativeCounts(this.counts, lo);
  }

  drawMag(lo: number, hi: number, rng: Rng): number {
    return drawCountsMag(this.counts.slope, lo, hi, rng);
  }

  /** z ~ z^2 exp(-z / z0): z0 times a Gamma(3) deviate, re-drawn above z_max. */
  drawRedshift(mag: number, rng: Rng, zMin = 0): number {
    const r = this.pop.redshift;
    const z0 = Math.max(r.z0_min, r.z0_slope * mag + r.z0_intercept);
    let z = z0 * rng.gamma(3);
    for (let i = 0; i < 50 && (z > r.z_max || z < zMin); i++) z = z0 * rng.gamma(3);
    return Math.min(r.z_max, Math.max(zMin, z, 0.01));
  }

  private redTable?: Float64Array;

  /**
   * Probability that a galaxy of magnitude `mag` (counts' filter) at z is red: bilinear in a table of
   * redFractionExact on a 0.1 mag x 0.05 z grid, built on first use.
   */
  redFraction(mag: number, z: number): number {
    const t = (this.redTable ??= this.buildRedTable());
    const u = (clamp(mag, RF.m0, RF.m1) - RF.m0) / RF.dm,
      v = clamp(z, 0, RF.z1) / RF.dz;
    const i = Math.min(Math.floor(u), RF.nm - 2),
      j = Math.min(Math.floor(v), RF.nz - 2);
    const a = u - i,
      b = v - j;
    const at = (ii: number, jj: number) => t[ii * RF.nz + jj];
    return (
      (1 - a) * ((1 - b) * at(i, j) + b * at(i, j + 1)) + a * ((1 - b) * at(i + 1, j) + b * at(i + 1, j + 1))
    );
  }

  private buildRedTable(): Float64Array {
    const t = new Float64Array(RF.nm * RF.nz);
    for (let i = 0; i < RF.nm; i++)
      for (let j = 0; j < RF.nz; j++) t[i * RF.nz + j] = this.redFractionExact(RF.m0 + i * RF.dm, j * RF.dz);
    return t;
  }

  /** The ratio of the red and blue B-band luminosity functions at the galaxy's absolute magnitude. */
  redFractionExact(mag: number, z: number): number {
    z = Math.max(z, 0.005);
    const dm = this.cosmo.distanceModulus(z);
    const f = this.counts.filter;
    const mRed = absoluteMag(meanCoefficients(RED_SED, z), z, f, mag, 'bessell-B', dm);
    const mBlue = absoluteMag(meanCoefficients(BLUE_SED, z), z, f, mag, 'bessell-B', dm);
    const red = schechterMag(RED_LF, mRed, z),
      blue = schechterMag(BLUE_LF, mBlue, z);
    return red + blue > 0 ? red / (red + blue) : 0;
  }

  /** A galaxy of magnitude `mag` in the counts' filter; redshift and type drawn unless given. */
  draw(mag: number, rng: Rng, opts: { z?: number; red?: boolean; zMin?: number } = {}): GalaxyDraw {
    const z = opts.z ?? this.drawRedshift(mag, rng, opts.zMin);
    const red = opts.red ?? rng.next() < this.redFraction(mag, z);
    const coeffs = drawCoefficients(red ? RED_SED : BLUE_SED, z, rng);
    const f = this.counts.filter;
    const mags = galaxyMags(coeffs, z, f, mag, this.filters);
    const Mr = absoluteMag(coeffs, z, f, mag, 'sdss-r', this.cosmo.distanceModulus(z));
    const size = shenSize(Mr, red);
    const evo = Math.pow(
      (1 + z) / (1 + SIZE_EVOLUTION.zRef),
      red ? SIZE_EVOLUTION.early : SIZE_EVOLUTION.late,
    );
    const kpc = size.median * evo * Math.exp(rng.normal(0, size.sigmaLn));
    const R = Math.max(0.02, kpc / this.cosmo.kpcPerArcsec(z));
    const n = sersicIndex(
      red ? clamp(rng.normal(4, 0.7), 2.5, 6) : clamp(Math.exp(rng.normal(0, 0.3)), 0.5, 2.5),
    ); // bimodal n: ~1 discs, ~4 spheroids (Blanton et al. 2003)
    const q = red ? clamp(rng.normal(0.72, 0.15), 0.35, 1) : inclinedDiscQ(DISC_THICKNESS, rng);
    return { z, red, coeffs, refMag: mag, mags, R, n, q, phi: rng.uniform(0, Math.PI) };
  }

  /** A galaxy at a given redshift and type, `dmag` fainter than `ref` in the counts' filter (satellites). */
  companionOf(ref: GalaxyDraw, dmag: number, red: boolean, rng: Rng): GalaxyDraw {
    return this.draw(ref.refMag + dmag, rng, { z: ref.z, red });
  }
}

/**
 * Drawn Sérsic indices are rounded to 0.01: the profile's constants (b_n, its normalisation) are exact and cached
 * per index, and a few hundred distinct indices keep the caches hot.
 */
export function sersicIndex(n: number): number {
  return Math.round(n * 100) / 100;
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

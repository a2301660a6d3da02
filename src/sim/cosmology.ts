/**
 * Distances in a flat ΛCDM universe (radiation neglected, as astropy's FlatLambdaCDM with Tcmb0 = 0): comoving,
 * angular-diameter (also between two redshifts), luminosity distance, distance modulus and comoving volume per
 * steradian per unit redshift. The comoving distance is integrated once on a fine grid (Simpson's rule) and
 * interpolated by cubic Hermite steps, within 1e-7 relative of astropy (test/sim/cosmology.test.ts).
 */
import { ConfigError, LensfindError } from '../errors.js';

export const SPEED_OF_LIGHT_KM_S = 299792.458;
/** Arcseconds per radian. */
export const ARCSEC_PER_RAD = 206264.80624709636;

export interface CosmologyParams {
  /** Hubble constant, km/s/Mpc. */
  H0: number;
  /** Matter density today (flat: Ω_Λ = 1 - Ω_m). */
  Om0: number;
}

const Z_MAX = 12;
const STEP = 1 / 512;

export class FlatLambdaCDM {
  readonly hubbleDistance: number;
  private readonly dc: Float64Array;
  private readonly invE: Float64Array;

  constructor(readonly params: CosmologyParams = { H0: 70, Om0: 0.3 }) {
    const { H0, Om0 } = params;
    if (!(H0 > 0) || !(Om0 >= 0 && Om0 <= 1))
      throw new ConfigError(`cosmology needs H0 > 0 and 0 <= Om0 <= 1, got H0=${H0} Om0=${Om0}`, 'cosmology');
    this.hubbleDistance = SPEED_OF_LIGHT_KM_S / H0;
    const n = Math.round(Z_MAX / STEP);
    this.invE = new Float64Array(n + 1);
    for (let i = 0; i <= n; i++) this.invE[i] = this.inverseE(i * STEP);
    // Simpson on half steps: D(z_{i+1}) = D(z_i) + h/6 (f(z_i) + 4 f(z_i + h/2) + f(z_{i+1}))
    this.dc = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const mid = this.inverseE((i + 0.5) * STEP);
      this.dc[i + 1] = this.dc[i] + (STEP / 6) * (this.invE[i] + 4 * mid + this.invE[i + 1]);
    }
  }

  /** 1 / E(z), E(z) = H(z) / H0. */
  inverseE(z: number): number {
    const om = this.params.Om0;
    const a = 1 + z;
    return 1 / Math.sqrt(om * a * a * a + (1 - om));
  }

  /** Line-of-sight comoving distance, Mpc. */
  comovingDistance(z: number): number {
    if (!(z >= 0) || z > Z_MAX)
      throw new LensfindError('E_SIM', `comovingDistance: z must be in [0, ${Z_MAX}], got ${z}`);
    // cubic Hermite between grid nodes, with the derivative dD/dz = D_H / E(z) known exactly at the nodes
    const u = z / STEP;
    const i = Math.min(Math.floor(u), this.dc.length - 2);
    const t = u - i;
    const p0 = this.dc[i],
      p1 = this.dc[i + 1],
      m0 = this.invE[i] * STEP,
      m1 = this.invE[i + 1] * STEP;
    const t2 = t * t,
      t3 = t2 * t;
    const d = (2 * t3 - 3 * t2 + 1) * p0 + (t3 - 2 * t2 + t) * m0 + (-2 * t3 + 3 * t2) * p1 + (t3 - t2) * m1;
    return this.hubbleDistance * d;
  }

  /** Angular-diameter distance to z, Mpc. */
  angularDiameterDistance(z: number): number {
    return this.comovingDistance(z) / (1 + z);
  }

  /** Angular-diameter distance from z1 to z2 > z1 (flat universe), Mpc. */
  angularDiameterDistanceBetween(z1: number, z2: number): number {
    return (this.comovingDistance(z2) - this.comovingDistance(z1)) / (1 + z2);
  }

  luminosityDistance(z: number): number {
    return this.comovingDistance(z) * (1 + z);
  }

  /** m - M = 5 log10(D_L / 10 pc). */
  distanceModulus(z: number): number {
    return 5 * Math.log10(this.luminosityDistance(z)) + 25;
  }

  /** dV_c / dz / dΩ, Mpc^3 per steradian per unit redshift. */
  differentialComovingVolume(z: number): number {
    const d = this.comovingDistance(z);
    return this.hubbleDistance * d * d * this.inverseE(z);
  }

  /** Kiloparsecs per arcsecond at z (proper, transverse). */
  kpcPerArcsec(z: number): number {
    return (this.angularDiameterDistance(z) * 1000) / ARCSEC_PER_RAD;
  }

  /**
   * Einstein radius (arcsec) of a singular isothermal sphere of velocity dispersion sigma (km/s) at z_l for a source
   * at z_s: 4 pi (sigma / c)^2 D_ls / D_s; 0 when the source is not behind the lens.
   */
  einsteinRadius(sigma: number, zl: number, zs: number): number {
    if (!(zs > zl)) return 0;
    const ratio = this.angularDiameterDistanceBetween(zl, zs) / this.angularDiameterDistance(zs);
    const s = sigma / SPEED_OF_LIGHT_KM_S;
    return 4 * Math.PI * s * s * ratio * ARCSEC_PER_RAD;
  }
}

const cache = new Map<string, FlatLambdaCDM>();

/** A shared instance per parameter set (the grid takes ~1 ms to build). */
export function flatLambdaCDM(params: CosmologyParams = { H0: 70, Om0: 0.3 }): FlatLambdaCDM {
  const key = `${params.H0}|${params.Om0}`;
  let c = cache.get(key);
  if (!c) {
    c = new FlatLambdaCDM(params);
    if (cache.size > 8) cache.clear();
    cache.set(key, c);
  }
  return c;
}

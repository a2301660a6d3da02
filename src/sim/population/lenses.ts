/**
 * Galaxy-scale lenses as LensPop draws them (Collett 2015, ApJ 811, 20): deflectors from the early-type
 * velocity-dispersion function (Choi et al. 2007) in comoving volume, sources from the galaxy counts behind them,
 * and the Einstein radius of an isothermal lens from the two redshifts. The number of lenses of a deflector-source
 * pair is proportional to the multiple-imaging cross-section π θ_E² ∝ σ⁴ (D_ls / D_s)², so σ is drawn from φ(σ) σ⁴
 * (a modified Schechter function again: (σ/σ*)^β is Gamma((α + 4) / β) distributed) and the pair is kept with
 * probability (D_ls / D_s)². Deflector light follows σ through the Hyde & Bernardi (2009) relations as in LensPop.
 */
import type { FlatLambdaCDM } from '../cosmology.js';
import { Rng, sampleDistribution } from '../rng.js';
import { clamp, drawCountsMag, GalaxyModel, sersicIndex, type GalaxyDraw } from './galaxies.js';
import type { PopulationConfig } from './schema.js';
import { apparentMag, drawCoefficients, RED_SED } from './sed.js';

export interface DeflectorDraw extends GalaxyDraw {
  /** Velocity dispersion, km/s. */
  sigma: number;
}

export interface LensPair {
  deflector: DeflectorDraw;
  source: GalaxyDraw;
  /** Einstein radius of the SIS of the deflector's sigma for the source, arcsec. */
  thetaE: number;
}

const Z_NODES = 400;
/** Pairs drawn once (fixed seed) to estimate the physical θ_E density that theta_E_flat divides out. */
const PILOT_PAIRS = 20000;
const FLAT_BINS = 20;
const PILOT_SEED = 0x7e7a;

/** Acceptance per θ_E bin that turns the physical θ_E density into a flat one over `range`. */
interface FlatThetaE {
  range: [number, number];
  accept: Float64Array;
  /** upTo[b]: the largest acceptance of bins 0..b, the most a σ whose largest θ_E falls in bin b can get. */
  upTo: Float64Array;
}

interface PairRedshifts {
  sigma: number;
  zl: number;
  zs: number;
  mag: number;
  thetaE: number;
}

export class LensPopulation {
  /** Inverse CDF of the deflector redshift on a uniform grid of probabilities. */
  private readonly zlQuantiles: Float64Array;

  private readonly flat: FlatThetaE | null = null;

  constructor(
    readonly pop: PopulationConfig,
    readonly cosmo: FlatLambdaCDM,
    readonly galaxies: GalaxyModel,
  ) {
    const d = pop.deflector;
    const [z0, z1] = d.z_range;
    // dN/dz ∝ dV/dz (1 + z)^evolution; tabulated CDF, inverted by linear interpolation
    const zs = Float64Array.from({ length: Z_NODES + 1 }, (_, i) => z0 + ((z1 - z0) * i) / Z_NODES);
    const pdf = zs.map((z) => cosmo.differentialComovingVolume(z) * Math.pow(1 + z, d.evolution));
    const cdf = new Float64Array(zs.length);
    for (let i = 1; i < zs.length; i++) cdf[i] = cdf[i - 1] + 0.5 * (pdf[i] + pdf[i - 1]);
    const total = cdf[cdf.length - 1];
    this.zlQuantiles = new Float64Array(Z_NODES + 1);
    let j = 0;
    for (let k = 0; k <= Z_NODES; k++) {
      const p = (k / Z_NODES) * total;
      while (j < cdf.length - 2 && cdf[j + 1] < p) j++;
      const w = cdf[j + 1] > cdf[j] ? (p - cdf[j]) / (cdf[j + 1] - cdf[j]) : 0;
      this.zlQuantiles[k] = zs[j] + clamp(w, 0, 1) * (zs[j + 1] - zs[j]);
    }
    if (pop.theta_E_flat) this.flat = this.flatThetaE(pop.theta_E_flat);
  }

  /**
   * Histograms the physical θ_E of PILOT_PAIRS pairs (a fixed seed, so every worker and run gets the same table)
   * and accepts a pair in bin b with probability min_count / count_b: flat over `range`, empty outside it.
   */
  private flatThetaE(range: [number, number]): FlatThetaE {
    const counts = new Float64Array(FLAT_BINS);
    const rng = new Rng(PILOT_SEED);
    for (let i = 0; i < PILOT_PAIRS; i++) {
      const b = this.bin(range, this.drawRedshiftsAndSigma(rng).thetaE);
      if (b >= 0) counts[b]++;
    }
    const floor = Math.max(1, Math.min(...counts));
    const accept = counts.map((c) => floor / Math.max(c, floor));
    const upTo = new Float64Array(FLAT_BINS);
    accept.forEach((a, b) => (upTo[b] = Math.max(a, b > 0 ? upTo[b - 1] : 0)));
    return { range, accept, upTo };
  }

  private bin([lo, hi]: [number, number], thetaE: number): number {
    return thetaE >= lo && thetaE < hi ? Math.floor(((thetaE - lo) / (hi - lo)) * FLAT_BINS) : -1;
  }

  /** σ from the cross-section-weighted VDF φ(σ) σ⁴ (times σ^sigma_boost) within sigma_range. */
  drawSigma(rng: Rng): number {
    const d = this.pop.deflector;
    const [lo, hi] = d.sigma_range;
    const shape = (d.alpha + 4 + d.sigma_boost) / d.beta;
    let s = 0;
    for (let i = 0; i < 100; i++) {
      s = d.sigma_star * Math.pow(rng.gamma(shape), 1 / d.beta);
      if (s >= lo && s <= hi) return s;
    }
    return clamp(s, lo, hi);
  }

  drawDeflectorRedshift(rng: Rng): number {
    const u = rng.next() * Z_NODES;
    const k = Math.min(Math.floor(u), Z_NODES - 1);
    return this.zlQuantiles[k] + (u - k) * (this.zlQuantiles[k + 1] - this.zlQuantiles[k]);
  }

  /**
   * The deflector's light: rest-frame SDSS r absolute magnitude and half-light radius from σ (Hyde & Bernardi 2009,
   * as in LensPop), a red-galaxy spectrum, Sérsic index from the config, axis ratio q = 1 - Rayleigh(0.378 -
   * 0.000572 σ) within [0.2, 1] (LensPop's flattening).
   */
  deflector(sigma: number, z: number, rng: Rng): DeflectorDraw {
    const d = this.pop.deflector;
    const V = Math.log10(sigma);
    const disc = Math.max(0, 0.37 * 0.37 - 4 * 0.006 * (2.97 + V));
    const Mr =
      (-0.37 + Math.sqrt(disc)) / (2 * 0.006) + (d.mag_scatter > 0 ? rng.normal(0, d.mag_scatter) : 0);
    const logR = 2.46 - 2.79 * V + 0.84 * V * V + (d.size_scatter > 0 ? rng.normal(0, d.size_scatter) : 0);
    const coeffs = drawCoefficients(RED_SED, z, rng);
    const dm = this.cosmo.distanceModulus(z);
    const filters = this.galaxies.filters;
    const mags = Float64Array.from(filters, (f) => apparentMag(coeffs, z, Mr, 'sdss-r', f, dm));
    const refMag = apparentMag(coeffs, z, Mr, 'sdss-r', this.galaxies.counts.filter, dm);
    const R = Math.max(0.05, Math.pow(10, logR) / this.cosmo.kpcPerArcsec(z));
    const n = sersicIndex(clamp(sampleDistribution(d.n_sersic, rng), 0.5, 8));
    const scale = Math.max(0.01, 0.378 - 0.000572 * sigma);
    let q = 0;
    for (let i = 0; i < 100 && !(q >= 0.2 && q <= 1); i++)
      q = 1 - scale * Math.sqrt(-2 * Math.log(1 - rng.next()));
    q = clamp(q, 0.2, 1);
    return { z, red: true, coeffs, refMag, mags, R, n, q, phi: rng.uniform(0, Math.PI), sigma };
  }

  /**
   * σ, redshifts and source magnitude of a pair, in proportion to its lensing cross-section (file comment). The
   * kept (z_l, z_s) do not depend on σ, so `sigma` may be drawn beforehand (theta_E_flat does); without it σ is
   * redrawn on every try, as datasets made before theta_E_flat were.
   */
  private drawRedshiftsAndSigma(rng: Rng, sigmaGiven?: number): PairRedshifts {
    const s = this.pop.source;
    let sigma = sigmaGiven ?? 0,
      zl = 0,
      zs = 0,
      mag = 0;
    for (let tries = 0; tries < 1000; tries++) {
      if (sigmaGiven === undefined) sigma = this.drawSigma(rng);
      zl = this.drawDeflectorRedshift(rng);
      mag = drawCountsMag(s.mag_slope ?? this.pop.counts.slope, s.mag_range[0], s.mag_range[1], rng);
      zs = this.galaxies.drawRedshift(mag, rng);
      if (zs < zl + s.min_dz) continue;
      const ratio =
        this.cosmo.angularDiameterDistanceBetween(zl, zs) / this.cosmo.angularDiameterDistance(zs);
      if (rng.next() < ratio * ratio) break;
    }
    zs = Math.max(zs, zl + s.min_dz);
    return { sigma, zl, zs, mag, thetaE: this.cosmo.einsteinRadius(sigma, zl, zs) };
  }

  /**
   * A pair with θ_E flat over theta_E_flat: rejection by θ_E bin, in two stages so that most rejected pairs cost
   * one σ draw. A σ gives at most θ_max = 4π(σ/c)² (D_ls/D_s < 1), so it is first kept with the largest acceptance
   * of the bins up to θ_max, then the pair with the rest of its own bin's acceptance.
   */
  private drawFlatPair(flat: FlatThetaE, rng: Rng): PairRedshifts {
    const [lo, hi] = flat.range;
    let d: PairRedshifts | null = null;
    for (let tries = 0; tries < 100000; tries++) {
      const sigma = this.drawSigma(rng);
      const thetaMax = this.cosmo.einsteinRadius(sigma, 0, 1); // D_ls / D_s = 1 for a lens at z = 0
      const most =
        thetaMax < lo ? 0 : flat.upTo[thetaMax >= hi ? FLAT_BINS - 1 : this.bin(flat.range, thetaMax)];
      if (!(rng.next() < most)) continue;
      d = this.drawRedshiftsAndSigma(rng, sigma);
      const b = this.bin(flat.range, d.thetaE);
      if (b >= 0 && rng.next() * most < flat.accept[b]) return d;
    }
    return d ?? this.drawRedshiftsAndSigma(rng);
  }

  /** A deflector-source pair drawn in proportion to its lensing cross-section, θ_E flattened if configured. */
  drawPair(rng: Rng): LensPair {
    const s = this.pop.source;
    const d = this.flat ? this.drawFlatPair(this.flat, rng) : this.drawRedshiftsAndSigma(rng);
    const lightSigma = this.pop.deflector.light_sigma === 'independent' ? this.drawSigma(rng) : d.sigma;
    const deflector = { ...this.deflector(lightSigma, d.zl, rng), sigma: d.sigma };
    const source = this.galaxies.draw(d.mag, rng, { z: d.zs, red: rng.next() < s.red_fraction });
    source.n = sersicIndex(clamp(sampleDistribution(s.n_sersic, rng), 0.3, 8));
    return { deflector, source, thetaE: d.thetaE };
  }
}

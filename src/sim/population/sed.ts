/**
 * Galaxy and star colours from spectral templates (sed-table.generated.ts): a galaxy's spectrum is a non-negative
 * mix of the five kcorrect templates (Blanton & Roweis 2007), with mixing coefficients drawn from the Dirichlet
 * distributions of Herbel et al. (2017, JCAP 08, 035) for red and blue galaxies, as SkyPy does. Magnitudes through a
 * survey's filters at any redshift then follow, K-corrections included; stars are Planck spectra.
 */
import { ConfigError } from '../../errors.js';
import type { Rng } from '../rng.js';
import { GALAXY_MAGS, SED_Z, SED_Z_STEP, STAR_MAGS, STAR_TEMPERATURES } from './sed-table.generated.js';

export const TEMPLATES = 5;
export const SED_Z_MAX = SED_Z[SED_Z.length - 1];

/** Filters in the table (e.g. `lsst-g`, `des-Y`, `hsc-i`, `euclid-VIS`, `sdss-r`, `bessell-B`). */
export const FILTERS = Object.keys(GALAXY_MAGS);

/** The table's rows of a filter, with an error naming the filters it has. */
function rows(filter: string): number[][] {
  const r = GALAXY_MAGS[filter];
  if (!r)
    throw new ConfigError(
      `no spectral table for filter '${filter}' (filters: ${FILTERS.join(', ')}): give the survey band the ` +
        `filter: it is closest to, or render without colours from spectra (scene.population.model: uniform, ` +
        `scene.field.enabled: false, scene.stars.enabled: false)`,
      'filter',
    );
  return r;
}

// the same rows as fluxes, 10^(-0.4 m), template-major: fluxes[k * nz + iz]
const fluxTables = new Map<string, Float64Array>();
function fluxes(filter: string): Float64Array {
  let t = fluxTables.get(filter);
  if (!t) {
    const r = rows(filter);
    const nz = SED_Z.length;
    t = new Float64Array(TEMPLATES * nz);
    for (let k = 0; k < TEMPLATES; k++)
      for (let i = 0; i < nz; i++) t[k * nz + i] = Math.pow(10, -0.4 * r[k][i]);
    fluxTables.set(filter, t);
  }
  return t;
}

/** Each template's apparent AB magnitude at z with distance modulus 0 (linear in z between table nodes). */
export function templateMags(filter: string, z: number, out = new Float64Array(TEMPLATES)): Float64Array {
  const r = rows(filter);
  const u = Math.min(Math.max(z, 0), SED_Z_MAX) / SED_Z_STEP;
  const i = Math.min(Math.floor(u), SED_Z.length - 2);
  const t = u - i;
  for (let k = 0; k < TEMPLATES; k++) out[k] = r[k][i] + t * (r[k][i + 1] - r[k][i]);
  return out;
}

/**
 * AB magnitude (distance modulus 0) of the mix `coeffs` of the templates at z: -2.5 log10 sum c_k f_k(z), with each
 * template's flux f_k interpolated linearly in z between table nodes (0.05 apart).
 */
export function mixMag(coeffs: ArrayLike<number>, filter: string, z: number): number {
  const t = fluxes(filter);
  const nz = SED_Z.length;
  const u = Math.min(Math.max(z, 0), SED_Z_MAX) / SED_Z_STEP;
  const i = Math.min(Math.floor(u), nz - 2);
  const w = u - i;
  let f = 0;
  for (let k = 0; k < TEMPLATES; k++) {
    const o = k * nz + i;
    f += coeffs[k] * (t[o] + w * (t[o + 1] - t[o]));
  }
  return -2.5 * Math.log10(f);
}

/** A Dirichlet model of template coefficients: alpha(z) = alpha0^(1 - z/z1) alpha1^(z/z1), z1 = 1 (Herbel+17 eq. 3.9). */
export interface SedPopulation {
  alpha0: readonly number[];
  alpha1: readonly number[];
  /** Per-template weights applied after the Dirichlet draw (SkyPy's `weight`). */
  weight: readonly number[];
}

// Herbel et al. (2017) red and blue galaxy populations, with the weights of SkyPy's SDSS photometry example
// (examples/galaxies/sdss_photometry.yml), which reproduces SDSS DR7 number counts.
export const RED_SED: SedPopulation = {
  alpha0: [2.461, 2.358, 2.568, 2.268, 2.402],
  alpha1: [2.41, 2.34, 2.2, 2.54, 2.464],
  weight: [3.84e9, 1.57e6, 3.91e8, 4.66e10, 3.03e7],
};
export const BLUE_SED: SedPopulation = {
  alpha0: [2.079, 3.524, 1.917, 1.992, 2.536],
  alpha1: [2.265, 3.862, 1.921, 1.685, 2.48],
  weight: [3.47e9, 3.31e6, 2.13e9, 1.64e10, 1.01e9],
};

/** Template coefficients of one galaxy at redshift z (sum 1). */
export function drawCoefficients(pop: SedPopulation, z: number, rng: Rng): Float64Array {
  const c = new Float64Array(TEMPLATES);
  let sum = 0;
  for (let k = 0; k < TEMPLATES; k++) {
    const alpha = Math.pow(pop.alpha0[k], 1 - z) * Math.pow(pop.alpha1[k], z);
    c[k] = rng.gamma(alpha) * pop.weight[k];
    sum += c[k];
  }
  for (let k = 0; k < TEMPLATES; k++) c[k] /= sum;
  return c;
}

/** The population's mean coefficients at z (a typical member, for tests and documentation). */
export function meanCoefficients(pop: SedPopulation, z: number): Float64Array {
  const c = new Float64Array(TEMPLATES);
  let a = 0;
  for (let k = 0; k < TEMPLATES; k++) a += Math.pow(pop.alpha0[k], 1 - z) * Math.pow(pop.alpha1[k], z);
  let sum = 0;
  for (let k = 0; k < TEMPLATES; k++) {
    c[k] = ((Math.pow(pop.alpha0[k], 1 - z) * Math.pow(pop.alpha1[k], z)) / a) * pop.weight[k];
    sum += c[k];
  }
  for (let k = 0; k < TEMPLATES; k++) c[k] /= sum;
  return c;
}

/** Magnitudes of a galaxy in `filters`, given its magnitude `refMag` in `refFilter` (same redshift and spectrum). */
export function galaxyMags(
  coeffs: ArrayLike<number>,
  z: number,
  refFilter: string,
  refMag: number,
  filters: readonly string[],
): Float64Array {
  const ref = mixMag(coeffs, refFilter, z);
  return Float64Array.from(filters, (f) => refMag + mixMag(coeffs, f, z) - ref);
}

/** Rest-frame absolute magnitude in `restFilter` of a galaxy of apparent `refMag` in `refFilter` at z (distmod dm). */
export function absoluteMag(
  coeffs: ArrayLike<number>,
  z: number,
  refFilter: string,
  refMag: number,
  restFilter: string,
  distanceModulus: number,
): number {
  return refMag - distanceModulus - mixMag(coeffs, refFilter, z) + mixMag(coeffs, restFilter, 0);
}

/** Apparent magnitude in `filter` of a galaxy of absolute magnitude `absMag` in rest-frame `restFilter`. */
export function apparentMag(
  coeffs: ArrayLike<number>,
  z: number,
  absMag: number,
  restFilter: string,
  filter: string,
  distanceModulus: number,
): number {
  return absMag + distanceModulus + mixMag(coeffs, filter, z) - mixMag(coeffs, restFilter, 0);
}

/** A star's magnitude in `filter` minus its SDSS r magnitude, for a Planck spectrum at temperature T (K). */
export function starColor(filter: string, temperature: number): number {
  const row = STAR_MAGS[filter];
  if (!row) rows(filter); // throws the error naming the filters
  const t = STAR_TEMPERATURES;
  const T = Math.min(Math.max(temperature, t[0]), t[t.length - 1]);
  let i = 0;
  while (i < t.length - 2 && t[i + 1] < T) i++;
  const w = (T - t[i]) / (t[i + 1] - t[i]);
  return row[i] + w * (row[i + 1] - row[i]);
}

/**
 * Where a scene's galaxies come from: the literature populations (src/sim/population) or the configured uniform
 * ranges. Scene components (lens.ts, negatives/, field.ts) draw through this interface only, so each kind of scene
 * works with either model.
 */
import { flatLambdaCDM } from '../cosmology.js';
import { GalaxyModel, type Galaxy } from '../population/galaxies.js';
import { LensPopulation } from '../population/lenses.js';
import { sampleDistribution, type Distribution, type Rng } from '../rng.js';
import { bandFilter, type Survey } from '../survey.js';
import { ConfigError } from '../../errors.js';
import type { SceneConfig } from './schema.js';

export type { Galaxy };

export interface LensDraw {
  deflector: Galaxy;
  source: Galaxy;
  thetaE: number;
  /** Velocity dispersion (km/s; NaN under the uniform model). */
  sigma: number;
}

export interface ScenePopulation {
  /** A deflector, its source and Einstein radius. */
  lens(rng: Rng): LensDraw;
  /**
   * The central galaxy of a non-lens: distributed as lens deflectors are, so it carries no label information
   * (`accept`: the cuts a lens must pass that depend on the deflector, such as resolved arcs).
   */
  central(rng: Rng, accept?: (lens: LensDraw) => boolean): Galaxy;
  /** An Einstein radius as lenses have them (where contaminants mimic arcs). */
  thetaE(rng: Rng): number;
  /** A star-forming (blue) galaxy of reference magnitude `mag`, at redshift z when given. */
  blue(mag: number, rng: Rng, z?: number): Galaxy;
  /** A galaxy like `ref` (same redshift), `dmag` fainter, red or blue. */
  near(ref: Galaxy, dmag: number, red: boolean, rng: Rng): Galaxy;
  /** The reference magnitude of lensed arcs: an unlensed source magnitude brightened by a typical magnification. */
  arcMag(rng: Rng): number;
}

const MAX_CENTRAL_TRIES = 100;

/** The population of a scene config for the output bands of a survey. */
export function scenePopulation(cfg: SceneConfig, survey: Survey, bands: readonly string[]): ScenePopulation {
  return cfg.population.model === 'literature'
    ? literaturePopulation(cfg, survey, bands)
    : uniformPopulation(cfg, bands);
}

/** The galaxy model of the line-of-sight field (both population models use it). */
export function fieldGalaxyModel(cfg: SceneConfig, survey: Survey, bands: readonly string[]): GalaxyModel {
  return new GalaxyModel(
    cfg.population,
    flatLambdaCDM(cfg.population.cosmology),
    bands.map((b) => bandFilter(survey, b)),
  );
}

function literaturePopulation(cfg: SceneConfig, survey: Survey, bands: readonly string[]): ScenePopulation {
  const galaxies = fieldGalaxyModel(cfg, survey, bands);
  const lenses = new LensPopulation(cfg.population, galaxies.cosmo, galaxies);
  const src = cfg.population.source;
  return {
    lens(rng) {
      const p = lenses.drawPair(rng);
      return { deflector: p.deflector, source: p.source, thetaE: p.thetaE, sigma: p.deflector.sigma };
    },
    central(rng, accept) {
      let d = this.lens(rng);
      for (let i = 0; i < MAX_CENTRAL_TRIES && accept && !accept(d); i++) d = this.lens(rng);
      return d.deflector;
    },
    thetaE: (rng) => lenses.drawPair(rng).thetaE,
    blue: (mag, rng, z) => galaxies.draw(mag, rng, { red: false, z }),
    near: (ref, dmag, red, rng) => galaxies.draw(ref.refMag + dmag, rng, { z: ref.z, red }),
    arcMag: (rng) =>
      galaxies.drawMag(src.mag_range[0], src.mag_range[1], rng) - 2.5 * Math.log10(rng.uniform(2, 10)),
  };
}

interface GalaxySpec {
  mag: Distribution;
  R_sersic: Distribution;
  n_sersic: Distribution;
  q: Distribution;
  colors: Record<string, Distribution>;
  color_scatter: number;
}

function uniformPopulation(cfg: SceneConfig, bands: readonly string[]): ScenePopulation {
  const ref = cfg.reference_band;
  const mags = (mag: number, spec: GalaxySpec, field: string, rng: Rng) =>
    Float64Array.from(bands, (b) => {
      if (b === ref) return mag;
      const c = spec.colors[b];
      if (c === undefined)
        throw new ConfigError(
          `scene.${field}.colors has no entry for band '${b}' (give mag(${b}) - mag(${ref}))`,
          `${field}.colors.${b}`,
        );
      return (
        mag + sampleDistribution(c, rng) + (spec.color_scatter > 0 ? rng.normal(0, spec.color_scatter) : 0)
      );
    });
  const galaxy = (spec: GalaxySpec, field: string, red: boolean, rng: Rng, mag?: number): Galaxy => {
    const m = mag ?? sampleDistribution(spec.mag, rng);
    const R = Math.max(0.01, sampleDistribution(spec.R_sersic, rng));
    const n = Math.min(8, Math.max(0.3, sampleDistribution(spec.n_sersic, rng)));
    const q = Math.min(1, Math.max(0.05, sampleDistribution(spec.q, rng)));
    const phi = rng.uniform(0, Math.PI);
    return { refMag: m, mags: mags(m, spec, field, rng), R, n, q, phi, z: NaN, red };
  };
  const thetaE = (rng: Rng) => Math.max(0.05, sampleDistribution(cfg.lens.theta_E, rng));
  return {
    lens(rng) {
      const deflector = galaxy(cfg.deflector, 'deflector', true, rng);
      const t = thetaE(rng);
      return { deflector, thetaE: t, source: galaxy(cfg.source, 'source', false, rng), sigma: NaN };
    },
    central: (rng) => galaxy(cfg.deflector, 'deflector', true, rng),
    thetaE,
    blue: (mag, rng) => galaxy(cfg.source, 'source', false, rng, mag),
    near: (g, dmag, red, rng) =>
      red
        ? galaxy(cfg.deflector, 'deflector', true, rng, g.refMag + dmag)
        : galaxy(cfg.source, 'source', false, rng, g.refMag + dmag),
    arcMag: (rng) => sampleDistribution(cfg.source.mag, rng) - rng.uniform(0, 1.5),
  };
}

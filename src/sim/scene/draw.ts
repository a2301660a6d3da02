/**
 * Draws one scene (lens or non-lens) from the config: light components normalised to unit total flux, each with
 * its e-/s per band and whether it is lensed, stars, the mass model and metadata; and the field of the cutout.
 * Pure functions of (config, bands, survey, rng).
 */
import type { GalaxyModel } from '../population/galaxies.js';
import type { Rng } from '../rng.js';
import { bandFilter, surveyBand, type Survey } from '../survey.js';
import { SceneContext, type Scene } from './context.js';
import { drawField, noNeighbours, type Field } from './field.js';
import { drawLens } from './lens.js';
import { nonLensMeta } from './meta.js';
import { NEGATIVES } from './negatives/index.js';
import { fieldGalaxyModel, scenePopulation, type LensDraw } from './population.js';
import type { SceneConfig } from './schema.js';

export type { PlacedLight, PointLight, Scene } from './context.js';
export type { Field } from './field.js';

export class SceneDrawer {
  readonly ctx: SceneContext;
  private fieldModel?: GalaxyModel;

  constructor(
    private readonly cfg: SceneConfig,
    private readonly survey: Survey,
    private readonly bands: readonly string[],
  ) {
    const zeroPoints = bands.map((b) => surveyBand(survey, b).zero_point);
    const filters = bands.map((b) => bandFilter(survey, b));
    const refFilter =
      cfg.population.model === 'literature'
        ? cfg.population.counts.filter
        : bandFilter(survey, cfg.reference_band);
    this.ctx = new SceneContext(cfg, scenePopulation(cfg, survey, bands), zeroPoints, filters, refFilter);
  }

  /** A lens; `accept` screens the population's draws before the scene is built (cheap cuts). */
  lens(rng: Rng, accept?: (lens: LensDraw) => boolean): Scene {
    return drawLens(this.ctx, rng, { accept });
  }

  /**
   * A non-lens. With `accept`, its central galaxy is drawn as the deflector of a lens that passes `accept` (the
   * detectability cuts that depend on the deflector), so that lens and non-lens centrals share one distribution.
   */
  nonLens(rng: Rng, accept?: (lens: LensDraw) => boolean): Scene {
    const neg = this.cfg.negatives;
    const entry = rng.choice(
      NEGATIVES,
      NEGATIVES.map((n) => neg[n.kind]),
    );
    const { cx, cy } = this.ctx.centre(rng);
    const galaxy = this.ctx.pop.central(rng, accept);
    const drawn = entry.draw(this.ctx, { galaxy, cx, cy }, rng);
    return {
      lights: drawn.lights,
      points: drawn.points ?? [],
      mass: [],
      central: { galaxy, cx, cy },
      meta: nonLensMeta({
        label: 0,
        kind: entry.kind,
        q: drawn.q ?? galaxy.q,
        z_lens: galaxy.z,
        deflector_mag: drawn.mag ?? galaxy.refMag,
        deflector_R: galaxy.R,
      }),
    };
  }

  /** The field of a cutout `side` arcsec wide around the scene's central galaxy (scene.field, scene.stars). */
  field(scene: Scene, side: number, rng: Rng): Field {
    if (!this.cfg.field.enabled && !this.cfg.stars.enabled)
      return { lights: [], points: [], meta: noNeighbours() };
    this.fieldModel ??= fieldGalaxyModel(this.cfg, this.survey, this.bands);
    return drawField(this.ctx, this.fieldModel, scene.central, side, rng);
  }
}

/** Collett (2015) eq. 2: arcs are resolved when theta_E^2 > R_source^2 + (FWHM / 2)^2. */
export function isResolved(thetaE: number, sourceR: number, fwhm: number): boolean {
  return thetaE * thetaE > (Number.isFinite(sourceR) ? sourceR * sourceR : 0) + (fwhm / 2) ** 2;
}

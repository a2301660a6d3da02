/**
 * The physical scene configuration (zod, strict: unknown keys are rejected by name; every field has a default).
 * Magnitudes are in the reference band (`reference_band`, default i); `colors` give mag(band) - mag(reference)
 * per band as distributions, so one spec serves LSST ugrizy, DES grizY, HSC grizy and Euclid VIS.
 */
import { z } from 'zod';
import { distributionSchema } from '../rng.js';
import { fieldSchema, populationSchema, starsSchema } from '../population/schema.js';
import { NEGATIVES, type NegativeKind } from './negatives/index.js';

const dist = distributionSchema;
const colors = (d: Record<string, number>) => z.record(z.string(), dist).default(d);

// z ~ 0.5 early-type colours relative to i (LSST/SDSS-like filters; VIS ~ r+i+z)
const RED = { u: 3.2, g: 1.6, r: 0.6, i: 0, z: -0.35, y: -0.6, Y: -0.6, VIS: 0.3 };
// z ~ 1-2 star-forming source: flat in f_nu, slightly bluer
const BLUE = { u: 0.5, g: 0.25, r: 0.1, i: 0, z: -0.05, y: -0.1, Y: -0.1, VIS: 0.05 };

const galaxy = (mag: number[], R: number[], n: number[], q: number[], col: Record<string, number>) =>
  z
    .strictObject({
      mag: dist.default({ uniform: [mag[0], mag[1]] }),
      R_sersic: dist.default({ uniform: [R[0], R[1]] }),
      n_sersic: dist.default({ uniform: [n[0], n[1]] }),
      q: dist.default({ uniform: [q[0], q[1]] }),
      colors: colors(col),
      /** Scatter (mag) added independently to each colour. */
      color_scatter: z.number().nonnegative().default(0.1),
    })
    .prefault({});

/** scene.negatives: a fraction per registered non-lens kind (negatives/index.ts), with its default. */
const negativeFractions = Object.fromEntries(
  NEGATIVES.map((n) => [n.kind, z.number().nonnegative().default(n.fraction)]),
) as Record<NegativeKind, z.ZodDefault<z.ZodNumber>>;

export const sceneSchema = z.strictObject({
  /** Band of the magnitudes of scene.deflector, scene.source (population model `uniform`). */
  reference_band: z.string().default('i'),
  /**
   * Where deflectors, sources and Einstein radii come from (src/sim/population): `literature` (the default) or the
   * `uniform` ranges of scene.deflector, scene.lens.theta_E and scene.source.
   */
  population: populationSchema,
  /** Line-of-sight galaxies and satellites of the central galaxy, in every cutout (lens or not). */
  field: fieldSchema,
  /** Foreground stars from star counts, in every cutout. */
  stars: starsSchema,
  supersampling: z
    .strictObject({
      factor: z.number().int().min(1).max(16).default(2),
      central_factor: z.number().int().min(1).max(32).default(6),
      /** Pixels from the cutout centre that get central_factor. */
      central_radius: z.number().nonnegative().default(2),
    })
    .prefault({}),
  psf: z.boolean().default(true),
  noise: z.boolean().default(true),
  deflector: galaxy([18, 21], [0.5, 2], [3, 5], [0.6, 1], RED)
    .unwrap()
    .extend({
      /** rms offset of the deflector centre from the cutout centre, arcsec. */
      center_sd: z.number().nonnegative().default(0.05),
    })
    .prefault({}),
  lens: z
    .strictObject({
      theta_E: dist.default({ uniform: [0.8, 2.5] }),
      /** Mass axis ratio = light q + this scatter, clipped to [q_min, 1]. */
      q_scatter: z.number().nonnegative().default(0.1),
      q_min: z.number().gt(0).lt(1).default(0.4),
      /** Mass position angle = light angle + normal(0, this) degrees. */
      angle_scatter_deg: z.number().nonnegative().default(10),
      /** External shear magnitude; its angle is uniform. */
      gamma: dist.default({ uniform: [0, 0.08] }),
    })
    .prefault({}),
  source: galaxy([21, 24.5], [0.1, 0.5], [0.7, 2], [0.4, 1], BLUE)
    .unwrap()
    .extend({
      /** Source offset drawn uniformly in area within this many theta_E of the lens centre (rings, arcs, doubles). */
      max_offset: z.number().positive().default(0.9),
      /**
       * The offset's distribution: r ∝ u^(1/offset_power), u uniform. 2 is uniform in area (sources scattered on the
       * sky); 1, uniform in radius, represents more of the rare well-aligned sources that make rings (a
       * training-set choice).
       */
      offset_power: z.number().min(1).max(2).default(2),
      clumps: z
        .strictObject({
          probability: z.number().min(0).max(1).default(0.4),
          count: dist.default({ uniform: [1, 5] }),
          /** Each clump's flux as a fraction of the source's. */
          flux_fraction: dist.default({ uniform: [0.05, 0.2] }),
          R_sersic: dist.default({ uniform: [0.02, 0.06] }),
        })
        .prefault({}),
    })
    .prefault({}),
  /**
   * Relative frequencies of the non-lens kinds: the central galaxy alone (with its field), and the contaminants
   * lens searches report (blue companions where arcs would be, mergers and tidal features, spiral arms, rings,
   * edge-on discs, clumpy star-forming galaxies, star-galaxy blends, compact groups).
   */
  negatives: z
    .strictObject(negativeFractions)
    .refine((n) => Object.values(n).some((v) => v > 0), {
      message: 'at least one negative kind needs a positive fraction',
    })
    .prefault({}),
  /** Lenses failing these are re-drawn (up to max_tries) from sub-streams of the image's stream. */
  detectability: z
    .strictObject({
      min_arc_snr: z.number().nonnegative().default(0),
      min_magnification: z.number().nonnegative().default(0),
      /**
       * Arcs that stand out from the lens light: at the arcs' brightest pixel (after the PSF, best band), the lensed
       * light over all other light there (as mock lenses for CNN searches are chosen to show their arcs, e.g.
       * HOLISMOKES, Canameras et al. 2020, 2021).
       */
      min_arc_contrast: z.number().nonnegative().default(0),
      /**
       * Arcs that look like lensing: the fraction of the circle about the lens centre covered by pixels where the
       * arcs are seen (above the noise and a quarter of the other light there). A lone compact image next to a
       * galaxy covers ~0.05-0.1: it is the companion a search must not call a lens; an arc, a ring, or images on
       * both sides cover more.
       */
      min_arc_span: z.number().min(0).max(1).default(0),
      /**
       * Require the arcs to be resolved: theta_E^2 > R_source^2 + (FWHM / 2)^2 in the sharpest band (Collett 2015,
       * ApJ 811, 20, eq. 2).
       */
      resolved: z.boolean().default(false),
      max_tries: z.number().int().min(1).max(1000).default(20),
    })
    .prefault({}),
});

export type SceneConfig = z.output<typeof sceneSchema>;
export type SceneInput = z.input<typeof sceneSchema>;

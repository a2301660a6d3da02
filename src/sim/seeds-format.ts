import { z } from 'zod';
import { resolveConfig, type PlainObject } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { rangeSchema } from './simple/config.js';

/**
 * The seeds' simple configuration format: capitalised sections `General`, `LensArcs`, `Galaxy`, `Noise`, rendered
 * by the simple backend unless `General.backend` says otherwise. It maps onto the simulate config one to one.
 */
export const seedsConfigSchema = z.strictObject({
  General: z.strictObject({
    n_train: z.number().int().positive(),
    n_val: z.number().int().min(0).default(0),
    n_test: z.number().int().positive(),
    image_size: z.number().int().positive(),
    seed: z.number().int().min(0).default(0),
    balance: z.number().min(0).max(1).default(0.5),
    backend: z.enum(['simple', 'physical']).default('simple'),
    survey: z.string().min(1).optional(),
    /** Number of bands (simple backend: blue-to-red colours are interpolated). */
    channels: z.number().int().positive().optional(),
  }),
  LensArcs: z
    .strictObject({
      brightness: rangeSchema.optional(),
      curvature: rangeSchema.optional(),
      width: rangeSchema.optional(),
      extent: rangeSchema.optional(),
      max_count: z.number().int().min(1).max(4).optional(),
    })
    .optional(),
  Galaxy: z
    .strictObject({
      brightness: rangeSchema.optional(),
      size: rangeSchema.optional(),
      ellipticity: rangeSchema.optional(),
      companion_fraction: z.number().min(0).max(1).optional(),
    })
    .optional(),
  Noise: z
    .strictObject({
      gaussian_std: z.number().min(0).optional(),
      poisson_lambda: z.number().min(0).optional(),
      psf_sigma: z.number().min(0).optional(),
    })
    .optional(),
});

const SECTIONS = ['General', 'LensArcs', 'Galaxy', 'Noise'];

/** True when a parsed YAML mapping is in the seeds' format (it has any of the capitalised sections). */
export function isSeedsFormat(raw: PlainObject): boolean {
  return SECTIONS.some((s) => s in raw);
}

function defined(obj: Record<string, unknown> | undefined): PlainObject {
  return Object.fromEntries(Object.entries(obj ?? {}).filter(([, v]) => v !== undefined));
}

/**
 * Validates a seeds-format mapping (errors name the field, e.g. `General.balance`, and `source`) and returns the
 * equivalent simulate-config mapping, still to be validated by `simulateConfigSchema`.
 */
export function mapSeedsConfig(raw: PlainObject, source = 'seeds config'): PlainObject {
  let seeds: z.output<typeof seedsConfigSchema>;
  try {
    seeds = resolveConfig(seedsConfigSchema, [{ source, value: raw }]);
  } catch (err) {
    if (err instanceof ConfigError)
      throw new ConfigError(`${source} (seeds' format): ${err.message}`, err.field, source);
    throw err;
  }
  const g = seeds.General;
  const out: PlainObject = {
    backend: g.backend,
    image_size: g.image_size,
    n: g.n_train + g.n_val + g.n_test,
    splits: { train: g.n_train, val: g.n_val, test: g.n_test },
    balance: g.balance,
    seed: g.seed,
    simple: {
      arcs: defined(seeds.LensArcs),
      galaxy: defined(seeds.Galaxy),
      noise: defined(seeds.Noise),
    },
  };
  if (g.survey !== undefined) out.survey = g.survey;
  if (g.channels !== undefined) out.bands = Array.from({ length: g.channels }, (_, i) => `band${i}`);
  return out;
}

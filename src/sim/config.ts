import { datasetDescriptionSchema } from './dataset/describe.js';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { simpleSchema } from './simple/config.js';
import { sceneSchema } from './scene/schema.js';

/**
 * Train/val/test sizes: fractions (each in [0, 1], summing to 1) or counts (non-negative integers, summing to `n`
 * when `n` is given).
 */
export const splitsSchema = z.strictObject({
  train: z.number().min(0),
  val: z.number().min(0).default(0),
  test: z.number().min(0),
});
export type Splits = z.output<typeof splitsSchema>;

export const outputSchema = z.strictObject({
  /** Cutouts per shard file `images/shard-00003.npy` (`[N, bands, H, W]`); also the unit of resumable work. */
  shard_size: z.number().int().positive().default(256),
  /** PNG colour composites written for the first this-many items. */
  previews: z.number().int().min(0).default(16),
  /** `lensfind`: manifest + shards; `deeplense`: `train_lenses/` ... of `[bands, H, W]` `.npy` per cutout. */
  layout: z.enum(['lensfind', 'deeplense']).default('lensfind'),
  format: z.enum(['npy', 'fits']).default('npy'),
});

/** True when the splits are fractions of `n` (each <= 1, summing to 1), not counts. */
export function isFractions(s: Splits): boolean {
  const sum = s.train + s.val + s.test;
  return s.train <= 1 && s.val <= 1 && s.test <= 1 && Math.abs(sum - 1) < 1e-9;
}

/** The whole `lensfind simulate` configuration (configs/sim/*.yaml). */
export const simulateConfigSchema = z
  .strictObject({
    /** `physical`: ray-traced scenes with the survey's PSF and noise; `simple`: fast arcs and blobs. */
    backend: z.enum(['physical', 'simple']).default('physical'),
    /** A survey preset name (configs/surveys/NAME.yaml) or a path to a survey YAML file. */
    survey: z.string().min(1).default('lsst'),
    /** Bands to render, in order (default: the survey's first three for physical, g r i for simple). */
    bands: z.array(z.string().min(1)).min(1).optional(),
    /** Cutout side in pixels. */
    image_size: z.number().int().positive().default(64),
    /** Number of cutouts (default: the sum of the split counts, or 1000 with fractions). */
    n: z.number().int().positive().optional(),
    splits: splitsSchema.default({ train: 0.8, val: 0.1, test: 0.1 }),
    /** Prevalence: the fraction of lenses in every split. */
    balance: z.number().min(0).max(1).default(0.5),
    seed: z.number().int().min(0).default(0),
    /** The physical backend's scene: deflector, lens, source, negatives, detectability (src/sim/scene/schema.ts). */
    scene: sceneSchema.prefault({}),
    simple: simpleSchema.prefault({}),
    output: outputSchema.prefault({}),
    /** Written by lensfind simulate (pixel scale, bands, zero points, units, survey); recomputed, not an input. */
    dataset: datasetDescriptionSchema.optional(),
    /** Worker threads rendering cutouts (0: render on the main thread). The bytes do not depend on it. */
    workers: z
      .number()
      .int()
      .min(0)
      .default(() => availableParallelism()),
  })
  .superRefine((cfg, ctx) => {
    const s = cfg.splits;
    if (isFractions(s)) return;
    const counts = [s.train, s.val, s.test];
    if (counts.some((c) => !Number.isInteger(c))) {
      ctx.addIssue({
        code: 'custom',
        path: ['splits'],
        message: `expected fractions summing to 1 or integer counts, got train=${s.train} val=${s.val} test=${s.test}`,
      });
      return;
    }
    const sum = s.train + s.val + s.test;
    if (sum <= 0)
      ctx.addIssue({
        code: 'custom',
        path: ['splits'],
        message: 'expected at least one cutout in the splits',
      });
    else if (cfg.n !== undefined && cfg.n !== sum) {
      ctx.addIssue({ code: 'custom', path: ['n'], message: `n=${cfg.n} but the split counts sum to ${sum}` });
    }
  })
  .transform((cfg) => ({
    ...cfg,
    n: cfg.n ?? (isFractions(cfg.splits) ? 1000 : cfg.splits.train + cfg.splits.val + cfg.splits.test),
  }));

export type SimulateConfigInput = z.input<typeof simulateConfigSchema>;
export type SimulateConfig = z.output<typeof simulateConfigSchema>;

/** Number of cutouts per split: counts as given, or fractions rounded by largest remainder so they sum to `n`. */
export function splitCounts(cfg: Pick<SimulateConfig, 'n' | 'splits'>): {
  train: number;
  val: number;
  test: number;
} {
  const s = cfg.splits;
  if (!isFractions(s)) return { train: s.train, val: s.val, test: s.test };
  const names = ['train', 'val', 'test'] as const;
  const exact = names.map((k) => s[k] * cfg.n);
  const counts = exact.map(Math.floor);
  let left = cfg.n - counts.reduce((a, b) => a + b, 0);
  const order = names.map((_, i) => i).sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b);
  for (const i of order) {
    if (left <= 0) break;
    counts[i] += 1;
    left -= 1;
  }
  return { train: counts[0], val: counts[1], test: counts[2] };
}

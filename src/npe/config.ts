/**
 * The configuration of `lensfind sersic` (configs/sersic/*.yaml): the survey and bands the galaxies are rendered
 * in, the priors, the network, and the training schedule. snake_case keys; `resolveConfig` names a wrong key as
 * written and lists its section's valid keys.
 */
import { z } from 'zod';
import {
  deepMerge,
  resolveConfig,
  userLayers,
  type ConfigSources,
  type PlainObject,
} from '../config/load.js';
import { packageConfigDir, presetLayers } from '../config/presets.js';
import { priorsSchema } from './params.js';
import { modelConfigSchema } from './model.js';
import { fileDataSchema } from './files.js';
import { memoryFormatSchema } from '../train/schema.js';

export const SERSIC_PRESET_DIR = packageConfigDir('sersic');

export const sersicConfigSchema = z.strictObject({
  /** A survey preset (configs/surveys) or YAML path: pixel scale, zero points, PSF, noise. */
  survey: z.string().default('lsst'),
  bands: z.array(z.string()).min(1).default(['i']),
  image_size: z.number().int().min(8).max(1024).default(64),
  priors: priorsSchema,
  supersampling: z
    .strictObject({
      factor: z.number().int().min(1).max(16).default(2),
      /** Extra supersampling of the pixels within central_radius of the galaxy's centre (its cusp). */
      central_factor: z.number().int().min(1).max(64).default(8),
      central_radius: z.number().int().min(0).max(64).default(3),
    })
    .prefault({}),
  psf: z.boolean().default(true),
  noise: z.boolean().default(true),
  model: modelConfigSchema,
  steps: z.number().int().min(1).default(20000),
  batch_size: z.number().int().min(1).default(64),
  optim: z
    .strictObject({
      lr: z.number().positive().default(1e-3),
      weight_decay: z.number().min(0).default(1e-5),
      warmup_steps: z.number().int().min(0).default(200),
      min_lr: z.number().min(0).default(1e-6),
      /** Gradient norm clip (0: none). */
      grad_clip: z.number().min(0).default(5),
    })
    .prefault({}),
  /**
   * A moving average of the weights (Polyak averaging, as `train`'s ema_decay: timm's ModelEmaV3), which validation,
   * checkpoints/best and so `predict` use; metrics.jsonl also records the trained weights' val_nll_raw. null: off.
   */
  ema_decay: z.number().gt(0).lt(1).nullable().default(null),
  /** Train on galaxies read from files (cutouts + parameter table) instead of rendering them (files.ts). */
  data: fileDataSchema.optional(),
  /** The fixed validation set: its size (simulated data) and how often (in steps) it is scored. */
  val_size: z.number().int().min(1).default(512),
  val_every: z.number().int().min(1).default(500),
  seed: z.number().int().min(0).default(0),
  threads: z.number().int().min(1).optional(),
  /** The backbone's convolution layout, as `train`'s `memory_format` (channels_last: faster on CPU; same results). */
  memory_format: memoryFormatSchema,
  /** Worker threads rendering galaxies (0: on the main thread). The data do not depend on it. */
  workers: z.number().int().min(0).default(1),
  check: z
    .strictObject({
      galaxies: z.number().int().min(10).default(2000),
      samples: z.number().int().min(10).default(500),
    })
    .prefault({}),
  run: z
    .strictObject({
      dir: z.string().default('runs'),
      name: z.string().optional(),
    })
    .prefault({}),
});
export type SersicConfig = z.output<typeof sersicConfigSchema>;

/**
 * preset (configs/sersic/<name>.yaml) < YAML file < `--set key=value` < flags, validated by one schema. Returns what
 * the user overrode too (run names come from it).
 */
export function loadSersicConfig(opts: ConfigSources & { preset?: string }): {
  config: SersicConfig;
  overridden: PlainObject;
} {
  const user = userLayers(opts);
  const config = resolveConfig(sersicConfigSchema, [
    ...presetLayers(SERSIC_PRESET_DIR, opts.preset),
    ...user,
  ]);
  const overridden = user.reduce<PlainObject>((acc, l) => deepMerge(acc, l.value), {});
  return { config, overridden };
}

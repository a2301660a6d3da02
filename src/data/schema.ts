import { z } from 'zod';
import { DATA_FORMATS } from './readers/registry.js';

/** The `data` section of a training configuration, with defaults; unknown keys are rejected. */
export const normalizationSchema = z.strictObject({
  kind: z.enum(['asinh-robust', 'per-image', 'dataset']).default('asinh-robust'),
  /** asinh-robust only: statistics from each image, or from the training split. */
  scope: z.enum(['image', 'dataset']).default('dataset'),
  softening: z.number().positive().default(1),
  fit_images: z.int().positive().default(256),
});

export const augmentationSchema = z.strictObject({
  flip: z.boolean().default(true),
  rot90: z.boolean().default(true),
  /** Maximum small-rotation angle, degrees. */
  rotate: z.number().min(0).max(180).default(0),
  /** Maximum shift, pixels. */
  shift: z.number().min(0).default(0),
  /** Gaussian noise sigma in normalised units. */
  noise: z.number().min(0).default(0),
  /** Per-band multiplicative jitter amplitude. */
  brightness: z.number().min(0).max(1).default(0),
});

/**
 * `data.sim`: fresh simulations while training. Every epoch renders `n_per_epoch` new cutouts in the data worker
 * threads (src/data/sim-stream.ts); the validation set is `data.path`'s val split, or `val_n` cutouts simulated
 * once into the run folder (`val-data/`).
 */
export const simDataSchema = z.strictObject({
  /** A simulate preset (configs/sim/NAME.yaml: lsst, des, hsc, euclid, simple) or a simulate YAML file. */
  config: z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'required: a simulate preset or YAML file (--sim NAME|FILE)' : undefined,
    })
    .min(1),
  /** New cutouts per epoch (the epoch's length). */
  n_per_epoch: z.int().positive().default(20000),
  /** Cutouts of the validation set simulated once (not used when data.path gives the validation data). */
  val_n: z.int().min(2).default(2000),
});

export const dataConfigSchema = z.strictObject({
  /** A registered reader's name (readers/registry.ts), or `auto`: detected from the path. */
  format: z.enum(['auto', ...DATA_FORMATS]).default('auto'),
  path: z.string().optional(),
  /** Labels file of an .npy/.npz stack. */
  labels: z.string().optional(),
  /**
   * A folder besides the dataset's own that its manifest (or labels CSV) may name files in. By default a listed
   * path must stay inside the dataset folder, symbolic links resolved; other rows are skipped and reported.
   */
  root: z.string().min(1).optional(),
  val_fraction: z.number().min(0).max(0.9).default(0.1),
  normalization: normalizationSchema.prefault({}),
  augmentation: augmentationSchema.prefault({}),
  sampler: z.enum(['shuffle', 'balanced']).default('shuffle'),
  /** BCE pos_weight: 'auto' = negatives/positives of the training split, a number, or null for none. */
  pos_weight: z.union([z.literal('auto'), z.number().positive(), z.null()]).default(null),
  /** Worker threads preparing batches (0 = on the main thread). */
  workers: z.int().min(0).max(64).default(2),
  /** Batches prepared ahead of the model. */
  prefetch: z.int().min(1).max(64).default(4),
  /** Train on fresh simulations (see simDataSchema); `path` is then the validation data, if given. */
  sim: simDataSchema.optional(),
});

export type DataConfig = z.infer<typeof dataConfigSchema>;
export type SimDataConfig = z.infer<typeof simDataSchema>;

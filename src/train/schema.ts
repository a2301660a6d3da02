import { z } from 'zod';
import { dataConfigSchema } from '../data/schema.js';
import type { MemoryFormat } from '../torch/dtype.js';

/**
 * The training configuration: one schema for presets (configs/*.yaml), the user's YAML file and `--set` flags.
 * Keys are snake_case like the YAML files; unknown keys are rejected with the key named.
 */
export const modelConfigSchema = z
  .looseObject({
    /** A registered network: lensnet, resnet18, resnet34, vit_tiny, vit_small, vit_b_16, hybrid. */
    name: z.string().default('lensnet'),
    /** A local safetensors file to start from (nothing is downloaded). */
    init_weights: z.string().nullable().default(null),
  })
  .describe('model: name, init_weights, and the network options (checked by the model registry)');

export const lossConfigSchema = z.strictObject({
  name: z.enum(['bce', 'focal']).default('bce'),
  // pos_weight lives in data.pos_weight ('auto' = negatives/positives of the training split), next to the sampler.
  focal_gamma: z.number().min(0).default(2),
  focal_alpha: z.number().min(0).max(1).nullable().default(0.25),
  label_smoothing: z.number().min(0).lt(0.5).default(0),
});

export const optimConfigSchema = z.strictObject({
  name: z.enum(['adamw', 'adam', 'sgd']).default('adamw'),
  lr: z.number().positive().default(1e-3),
  weight_decay: z.number().min(0).default(1e-4),
  momentum: z.number().min(0).max(1).default(0.9),
  nesterov: z.boolean().default(true),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]),
});

export const scheduleConfigSchema = z.strictObject({
  name: z.enum(['constant', 'cosine', 'step', 'plateau', 'onecycle']).default('cosine'),
  /** Linear warm-up length in epochs (fractions allowed), for cosine. */
  warmup_epochs: z.number().min(0).default(0),
  min_lr: z.number().min(0).default(0),
  step_size: z.number().int().positive().default(10),
  gamma: z.number().positive().default(0.1),
  patience: z.number().int().min(0).default(3),
  factor: z.number().positive().lt(1).default(0.5),
});

export const metricNameSchema = z.enum(['val_auc', 'val_loss', 'val_accuracy', 'val_ap', 'val_tpr_fpr1e-2']);

/** A network's convolution layout (`memory_format` of train and sersic configs; torch's MemoryFormat names). */
export const memoryFormatSchema = z
  .enum(['contiguous_format', 'channels_last'] as const satisfies readonly MemoryFormat[])
  .default('contiguous_format');

export const trainConfigSchema = z.strictObject({
  seed: z.number().int().min(0).default(0),
  epochs: z.number().int().positive().default(10),
  batch_size: z.number().int().positive().default(64),
  eval_batch_size: z.number().int().positive().default(256),
  /**
   * Only 'cpu': the loop, evaluation and prediction keep every tensor on the CPU, so another device would be
   * accepted and silently ignored; it is refused until a device path exists (DESIGN.md: cuda where libtorch has it).
   */
  device: z
    .literal('cpu', {
      error: (issue) =>
        `only 'cpu' is supported, got ${JSON.stringify(issue.input)}: lensfind trains and scores on the CPU ` +
        "(no CUDA path yet; Debian's libtorch has no CUDA either); remove the key or set device: cpu",
    })
    .default('cpu'),
  /**
   * Compute threads for libtorch; null = the cores the data workers leave (at least 1): a thread that shares a core
   * with a worker stalls every parallel op at its barrier (the quick preset on 2 cores: 1 thread beside 1 worker
   * trains ~1.3x faster than 2).
   */
  threads: z.number().int().positive().nullable().default(null),
  /**
   * Numeric precision of the training steps, in Lightning's names. '32': float32 throughout. 'bf16-mixed': the
   * forward pass under CPU autocast to bfloat16 (convolutions, matrix products and linear layers; the weights,
   * gradients, optimiser and loss stay float32), ~1.5x faster per step on CPUs with bfloat16 arithmetic
   * (AVX512-BF16, AMX) and much slower elsewhere. 'auto': 'bf16-mixed' where the CPU has it, else '32'.
   * Validation, evaluation and scoring run in float32 either way.
   */
  precision: z
    .preprocess((v) => (typeof v === 'number' ? String(v) : v), z.enum(['32', 'bf16-mixed', 'auto']))
    .default('32'),
  /**
   * How convolution weights (and so the activations of the convolutions) are laid out, in PyTorch's names:
   * 'channels_last' (NHWC) runs oneDNN's convolutions ~1.3x faster per lensnet step on CPU, in float32 and in
   * bf16-mixed; 'contiguous_format' (NCHW) is PyTorch's default. Checkpoints are the same either way.
   */
  memory_format: memoryFormatSchema,
  data: dataConfigSchema,
  model: modelConfigSchema.default({ name: 'lensnet', init_weights: null }),
  loss: lossConfigSchema.default(lossConfigSchema.parse({})),
  optim: optimConfigSchema.default(optimConfigSchema.parse({})),
  schedule: scheduleConfigSchema.default(scheduleConfigSchema.parse({})),
  clip_grad_norm: z.number().positive().nullable().default(null),
  /**
   * An exponential moving average of the weights with this decay (timm's ModelEmaV3, with its warm-up), which
   * validation, checkpoints/best and prediction then use; null: off. 0.999 averages over the last ~1,000 steps.
   */
  ema_decay: z.number().gt(0).lt(1).nullable().default(null),
  /** The validation metric that picks checkpoints/best and drives early stopping. */
  monitor: metricNameSchema.default('val_auc'),
  early_stopping_patience: z.number().int().positive().nullable().default(null),
  run: z
    .strictObject({
      dir: z.string().default('runs'),
      name: z.string().nullable().default(null),
      tensorboard: z.boolean().default(true),
    })
    .default({ dir: 'runs', name: null, tensorboard: true }),
});

export type TrainConfig = z.output<typeof trainConfigSchema>;

/** Whether a bigger value of the metric is better. */
export function metricMode(metric: z.output<typeof metricNameSchema>): 'max' | 'min' {
  return metric === 'val_loss' ? 'min' : 'max';
}

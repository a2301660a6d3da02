/** The posterior heads by name: `gaussian` (diagonal Gaussian baseline), `maf` (affine MADE layers), `nsf` (spline). */
import { z } from 'zod';
import type { Generator } from '../../torch/random.js';
import { ConditionalFlow } from './flow.js';
import { DiagonalGaussian, MAF } from './maf.js';

export { ConditionalFlow, standardNormalLogProb } from './flow.js';
export { DiagonalGaussian, MAF, ConditionalAffine, AutoregressiveLayer } from './maf.js';
export type { MafOptions } from './maf.js';
export { MADE, MaskedLinear } from './made.js';
export { splineForward, splineInverse } from './spline.js';

export const flowConfigSchema = z
  .strictObject({
    name: z.enum(['gaussian', 'maf', 'nsf']).default('maf'),
    /** MADE layers (maf, nsf). */
    layers: z.number().int().min(1).max(32).default(8),
    /** Hidden units of each MADE layer. */
    hidden: z.number().int().min(2).default(256),
    /** Hidden layers per MADE. */
    blocks: z.number().int().min(1).max(4).default(2),
    /** Spline bins and interval [-bound, bound] (nsf). */
    bins: z.number().int().min(2).max(64).default(8),
    bound: z.number().positive().default(4),
  })
  .prefault({});
export type FlowConfig = z.output<typeof flowConfigSchema>;

export function createFlow(
  cfg: FlowConfig,
  dim: number,
  contextDim: number,
  generator?: Generator,
): ConditionalFlow {
  if (cfg.name === 'gaussian') return new DiagonalGaussian(dim, contextDim, generator);
  return new MAF({
    dim,
    contextDim,
    layers: cfg.layers,
    hidden: cfg.hidden,
    blocks: cfg.blocks,
    transform: cfg.name === 'nsf' ? 'spline' : 'affine',
    bins: cfg.bins,
    bound: cfg.bound,
    generator,
  });
}

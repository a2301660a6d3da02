/**
 * The posterior heads by name: `gaussian` (diagonal Gaussian baseline), `maf` (affine MADE layers), `nsf` (spline
 * MADE layers), `coupling` (affine coupling layers) and `nsf_coupling` (spline coupling layers): the coupling heads
 * sample in one pass per layer.
 */
import { z } from 'zod';
import type { Generator } from '../../torch/random.js';
import { ConditionalFlow } from './flow.js';
import { DiagonalGaussian, MAF } from './maf.js';
import { CouplingFlow } from './coupling.js';

export { ConditionalFlow, standardNormalLogProb } from './flow.js';
export { DiagonalGaussian, MAF, ConditionalAffine, AutoregressiveLayer } from './maf.js';
export type { MafOptions } from './maf.js';
export { MADE, MaskedLinear } from './made.js';
export { CouplingFlow, CouplingLayer, couplingMask } from './coupling.js';
export type { CouplingFlowOptions } from './coupling.js';
export { splineForward, splineInverse } from './spline.js';

export const flowConfigSchema = z
  .strictObject({
    name: z.enum(['gaussian', 'maf', 'nsf', 'coupling', 'nsf_coupling']).default('maf'),
    /** MADE or coupling layers (all but gaussian). */
    layers: z.number().int().min(1).max(32).default(8),
    /** Hidden units of each MADE layer or coupling conditioner. */
    hidden: z.number().int().min(2).default(256),
    /** Hidden layers per MADE or conditioner. */
    blocks: z.number().int().min(1).max(4).default(2),
    /** Spline bins and interval [-bound, bound] (nsf, nsf_coupling). */
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
  if (cfg.name === 'coupling' || cfg.name === 'nsf_coupling')
    return new CouplingFlow({
      dim,
      contextDim,
      layers: cfg.layers,
      hidden: cfg.hidden,
      blocks: cfg.blocks,
      transform: cfg.name === 'nsf_coupling' ? 'spline' : 'affine',
      bins: cfg.bins,
      bound: cfg.bound,
      generator,
    });
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

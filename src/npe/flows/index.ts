/**
 * The posterior heads by name: `gaussian` (diagonal Gaussian baseline), `maf` (affine MADE layers), `nsf` (spline
 * MADE layers), `coupling` (affine coupling layers), `nsf_coupling` (spline coupling layers): the coupling heads
 * sample in one pass per layer; and `mdn`, a mixture of full-covariance Gaussians, which samples without layers.
 */
import { z } from 'zod';
import type { Generator } from '../../torch/random.js';
import type { ConditionalDensity } from './flow.js';
import { DiagonalGaussian, MAF } from './maf.js';
import { CouplingFlow } from './coupling.js';
import { GaussianMixture } from './mixture.js';

export { ConditionalDensity, ConditionalFlow, standardNormalLogProb } from './flow.js';
export { GaussianMixture, invertUpper } from './mixture.js';
export type { MixtureOptions } from './mixture.js';
export { DiagonalGaussian, MAF, ConditionalAffine, AutoregressiveLayer } from './maf.js';
export type { MafOptions } from './maf.js';
export { MADE, MaskedLinear } from './made.js';
export { CouplingFlow, CouplingLayer, couplingMask } from './coupling.js';
export type { CouplingFlowOptions } from './coupling.js';
export { splineForward, splineInverse } from './spline.js';

export const flowConfigSchema = z
  .strictObject({
    name: z.enum(['gaussian', 'maf', 'nsf', 'coupling', 'nsf_coupling', 'mdn']).default('maf'),
    /** Mixture components (mdn). */
    components: z.number().int().min(1).max(32).default(4),
    /** MADE or coupling layers (maf, nsf, coupling, nsf_coupling). */
    layers: z.number().int().min(1).max(32).default(8),
    /** Hidden units of each MADE layer or coupling conditioner, or of the mixture's one hidden layer. */
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
): ConditionalDensity {
  if (cfg.name === 'gaussian') return new DiagonalGaussian(dim, contextDim, generator);
  if (cfg.name === 'mdn')
    return new GaussianMixture({
      dim,
      contextDim,
      components: cfg.components,
      hidden: cfg.hidden,
      generator,
    });
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

/**
 * A conditional density p(z | c) over R^D given a context vector c (the image's features): its log-density for
 * training (negative log-likelihood of the true parameters) and its samples for posteriors. Every flow here maps z
 * to a standard normal u through invertible transforms; log p(z | c) = log N(u; 0, I) + log |det ∂u/∂z|.
 */
import { Module } from '../../torch/nn/index.js';
import type { Tensor } from '../../torch/tensor.js';
import { randn, type Generator } from '../../torch/random.js';
import { fromTypedArray } from '../../torch/creation.js';

export const LOG_2PI = Math.log(2 * Math.PI);

/**
 * A per-context linear map of draws about their mean (`lensfind sersic calibrate`'s width scaling): from each
 * context's mean, `mean(b, j)` of context b and coordinate j, the matrices A [B, D, D] (row-major).
 */
export type DrawScaling = (mean: (b: number, j: number) => number) => Float32Array;

/** Draws z [D, B·n] (parameter-major), each context's deviations from its draws' mean multiplied by its A. */
export function scaleAboutMean(z: Tensor, scaling: DrawScaling, B: number, n: number): Tensor {
  const D = z.shape[0];
  const zt = z.reshape([D, B, n]);
  const mean = zt.mean(2, true);
  const mv = mean.toFloat32Array();
  const A = fromTypedArray(
    scaling((b, j) => mv[j * B + b]),
    [B, D, D],
  );
  return A.bmm(zt.sub(mean).permute([1, 0, 2]))
    .permute([1, 0, 2])
    .add(mean)
    .reshape([D, B * n]);
}

/**
 * A conditional density over R^D that can be evaluated and sampled: every posterior head. Flows (below) are the
 * bijective ones; a mixture (mixture.ts) is not.
 */
export abstract class ConditionalDensity extends Module {
  /**
   * Draws per sampling pass (`samplePosterior`): few enough that a layered flow's [hidden, draws] activations stay
   * in the CPU's cache, many enough to spread the per-operation cost.
   */
  readonly drawsPerPass: number = 8192;

  constructor(
    readonly dim: number,
    readonly contextDim: number,
  ) {
    super();
  }

  /** log p(z | c) for z [B, D] and c [B, C]: [B]. */
  abstract logProb(z: Tensor, context: Tensor): Tensor;

  /** n draws per context: [B, n, D]. */
  abstract sample(context: Tensor, n: number, generator?: Generator): Tensor;

  /** n draws per context in the parameter-major layout [D, B·n]: `sample`'s draws, transposed. */
  sampleByParameter(context: Tensor, n: number, generator?: Generator): Tensor {
    const [B] = context.shape;
    return this.sample(context, n, generator)
      .reshape([B * n, this.dim])
      .t()
      .contiguous();
  }

  /**
   * `sampleByParameter`'s draws with each context's deviations from its mean multiplied by a matrix
   * (`DrawScaling`). Here the mean is the draws'; a head whose mean is known in closed form may map its parameters
   * instead (mixture.ts), which costs nothing per draw.
   */
  sampleScaledByParameter(context: Tensor, n: number, scaling: DrawScaling, generator?: Generator): Tensor {
    return scaleAboutMean(this.sampleByParameter(context, n, generator), scaling, context.shape[0], n);
  }
}

export abstract class ConditionalFlow extends ConditionalDensity {
  /** The base point u [B, D] of z [B, D] under contexts [B, C], and log |det ∂u/∂z| [B]. */
  abstract toBase(z: Tensor, context: Tensor): { u: Tensor; logDet: Tensor };

  /** log p(z | c) for z [B, D] and c [B, C]: [B]. */
  logProb(z: Tensor, context: Tensor): Tensor {
    const { u, logDet } = this.toBase(z, context);
    return standardNormalLogProb(u).add(logDet);
  }

  /** z of base draws u [B, D] under contexts [B, C] (the inverse of the density direction). */
  abstract inverse(u: Tensor, context: Tensor): Tensor;

  /** n draws per context: [B, n, D]. */
  sample(context: Tensor, n: number, generator?: Generator): Tensor {
    const [B, C] = context.shape;
    const rows = context
      .unsqueeze(1)
      .expand([B, n, C])
      .reshape([B * n, C]);
    const u = randn([B * n, this.dim], { generator, dtype: context.dtype });
    return this.inverse(u, rows).reshape([B, n, this.dim]);
  }
}

/** log N(u; 0, I) summed over the last dimension. */
export function standardNormalLogProb(u: Tensor): Tensor {
  const d = u.shape[u.ndim - 1];
  return u
    .square()
    .sum(-1)
    .mul(-0.5)
    .sub(0.5 * d * LOG_2PI);
}

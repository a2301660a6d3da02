import type { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import * as F from '../functional.js';
import { Module } from './module.js';
import { kaimingUniform_, uniform_ } from './init.js';
import type { FactoryOptions } from './options.js';

/**
 * PyTorch's default weight/bias init for Linear and Conv (reset_parameters): kaiming_uniform(a = sqrt(5)) for the
 * weight, i.e. U(±1/sqrt(fan_in)), and U(±1/sqrt(fan_in)) for the bias.
 */
export function resetLinearLike(
  weight: Tensor,
  bias: Tensor | null,
  fanIn: number,
  opts: FactoryOptions,
): void {
  kaimingUniform_(weight, { a: Math.sqrt(5), generator: opts.generator });
  if (bias) {
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound, opts.generator);
  }
}

/** y = x Wᵀ + b over the last dimension; weight [out, in], bias [out]. */
export class Linear extends Module {
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: FactoryOptions & { bias?: boolean } = {},
  ) {
    super();
    const t = { dtype: opts.dtype, device: opts.device };
    this.registerParameter('weight', zeros([outFeatures, inFeatures], t));
    this.registerParameter('bias', (opts.bias ?? true) ? zeros([outFeatures], t) : null);
    resetLinearLike(this.weight, this.bias, inFeatures, opts);
  }

  get weight(): Tensor {
    return this._parameters.get('weight')!;
  }

  get bias(): Tensor | null {
    return this._parameters.get('bias') ?? null;
  }

  override forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias ?? undefined);
  }
}

/** Returns its input. */
export class Identity extends Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}

/** Flattens dimensions startDim..endDim (default: all but the batch dimension). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}

import { z } from 'zod';
import { Conv2d, Module, Linear } from '../torch/nn/index.js';
import { kaimingNormal_ } from '../torch/nn/init.js';
import type { Tensor } from '../torch/tensor.js';
import type { Generator } from '../torch/random.js';
import * as F from '../torch/functional.js';

/** Options every model takes: the number of input bands, the cutout size and the dropout before the logit. */
export const baseModelOptions = {
  inChannels: z.number().int().min(1).default(3),
  imageSize: z.number().int().min(8).default(64),
  dropout: z.number().min(0).lt(1).default(0),
};

/**
 * The interface every lensfind network has (timm's shape): `forwardFeatures` gives the pooled feature vector
 * `[B, numFeatures]`, `forwardHead` applies dropout and the single-logit classifier, `forward` is both: `[B, 1]` logits.
 */
export abstract class LensModel extends Module {
  abstract readonly numFeatures: number;
  /** The generator dropout draws from (the one the model was created with), so training runs are reproducible. */
  generator?: Generator;
  abstract forwardFeatures(x: Tensor): Tensor;
  abstract forwardHead(features: Tensor): Tensor;
  override forward(x: Tensor): Tensor {
    return this.forwardHead(this.forwardFeatures(x));
  }
}

/** Registers `m` as child `name` of `parent` and returns it typed, so fields read like PyTorch attributes. */
export function child<M extends Module>(parent: Module, name: string, m: M): M {
  parent.registerModule(name, m);
  return m;
}

/** Registers `t` as parameter `name` of `parent` (trainable) and returns it. */
export function param(parent: Module, name: string, t: Tensor): Tensor {
  t.requiresGrad_(true);
  parent.registerParameter(name, t);
  return t;
}

/**
 * Dropout that draws from the owning model's generator (nn.Dropout has no generator of its own). It has no
 * parameters, so it can sit at torchvision's index positions (`mlp.2`, `mlp.4`) without changing key names.
 */
export class SeededDropout extends Module {
  constructor(
    readonly p: number,
    private readonly owner: { generator?: Generator } = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    if (this.p === 0 || !this.training) return x;
    return F.dropout(x, this.p, true, this.owner.generator);
  }
}

/** PyTorch's default Linear initialisation (kaiming_uniform with a=sqrt(5): U(±1/sqrt(fan_in))), from `generator`. */
export function initLinear_(linear: Linear, generator?: Generator): void {
  const fanIn = linear.weight.shape[1];
  const bound = 1 / Math.sqrt(fanIn);
  linear.weight.uniform_(-bound, bound, generator);
  linear.bias?.uniform_(-bound, bound, generator);
}

/** torchvision's convolution initialisation, kaiming_normal(fan_out, relu), for every Conv2d in `module` (call under noGrad). */
export function initConvs_(module: Module, generator?: Generator): void {
  for (const [, m] of module.namedModules()) {
    if (m instanceof Conv2d) kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu', generator });
  }
}

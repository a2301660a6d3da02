import { LensfindError } from '../../errors.js';
import type { Tensor } from '../tensor.js';
import { zerosLike } from '../creation.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

/**
 * Adam (L2 weight decay added to the gradient) and, with `decoupled`, AdamW (decay applied to the weights):
 * the torch 1.13 single-tensor updates, operation for operation, so results agree to float rounding.
 */
abstract class AdamBase extends Optimizer {
  protected abstract readonly decoupled: boolean;

  constructor(params: ParamsInput, opts: AdamOptions, defaultWeightDecay: number) {
    const defaults = {
      lr: opts.lr ?? 1e-3,
      betas: opts.betas ?? ([0.9, 0.999] as [number, number]),
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? defaultWeightDecay,
      amsgrad: opts.amsgrad ?? false,
      maximize: opts.maximize ?? false,
    };
    for (const b of defaults.betas)
      if (!(b >= 0 && b < 1)) throw new LensfindError('E_OPTIM', `Adam: betas must be in [0, 1), got ${b}`);
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup): void {
    const [beta1, beta2] = group.betas!;
    const lr = group.lr;
    const eps = group.eps as number;
    const wd = group.weightDecay;
    if (state.step === undefined) {
      state.step = 0;
      state.exp_avg = zerosLike(p).keep();
      state.exp_avg_sq = zerosLike(p).keep();
      if (group.amsgrad) state.max_exp_avg_sq = zerosLike(p).keep();
    }
    const expAvg = state.exp_avg as Tensor;
    const expAvgSq = state.exp_avg_sq as Tensor;
    state.step = (state.step as number) + 1;
    const step = state.step;
    let g = group.maximize ? grad.neg() : grad;
    if (this.decoupled) p.mul_(1 - lr * wd);
    else if (wd !== 0) g = g.add(p, wd);
    expAvg.mul_(beta1).add_(g, 1 - beta1);
    expAvgSq.mul_(beta2).addcmul_(g, g, 1 - beta2);
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
    const stepSize = lr / biasCorrection1;
    let second = expAvgSq;
    if (group.amsgrad) {
      const max = state.max_exp_avg_sq as Tensor;
      max.copy_(max.maximum(expAvgSq));
      second = max;
    }
    const denom = second.sqrt().div(biasCorrection2Sqrt).add_(eps);
    p.addcdiv_(expAvg, denom, -stepSize);
  }
}

/** PyTorch's Adam: weightDecay (default 0) is L2 regularisation added to the gradient. */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: ParamsInput, opts: AdamOptions = {}) {
    super(params, opts, 0);
  }
}

/** PyTorch's AdamW: decoupled weight decay (default 0.01) multiplies the weights by 1 - lr * weightDecay. */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: ParamsInput, opts: AdamOptions = {}) {
    super(params, opts, 0.01);
  }
}

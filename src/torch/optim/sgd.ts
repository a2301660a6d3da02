import { LensfindError } from '../../errors.js';
import type { Tensor } from '../tensor.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

/** PyTorch's SGD (torch 1.13 single-tensor update): weight decay, momentum with dampening, Nesterov. */
export class SGD extends Optimizer {
  constructor(params: ParamsInput, opts: SGDOptions) {
    const defaults = {
      lr: opts.lr,
      momentum: opts.momentum ?? 0,
      dampening: opts.dampening ?? 0,
      weightDecay: opts.weightDecay ?? 0,
      nesterov: opts.nesterov ?? false,
      maximize: opts.maximize ?? false,
    };
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0)) {
      throw new LensfindError('E_OPTIM', 'SGD: Nesterov momentum needs momentum > 0 and dampening = 0');
    }
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup): void {
    const momentum = group.momentum ?? 0;
    const dampening = group.dampening as number;
    let d = group.maximize ? grad.neg() : grad;
    if (group.weightDecay !== 0) d = d.add(p, group.weightDecay);
    if (momentum !== 0) {
      let buf = state.momentum_buffer as Tensor | undefined;
      if (!buf) {
        buf = d.detach().clone().keep();
        state.momentum_buffer = buf;
      } else {
        buf.mul_(momentum).add_(d, 1 - dampening);
      }
      d = group.nesterov ? d.add(buf, momentum) : buf;
    }
    p.add_(d, -group.lr);
  }
}

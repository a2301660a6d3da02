import { LensfindError } from '../../errors.js';
import type { Tensor } from '../tensor.js';
import type { Generator } from '../random.js';
import * as F from '../functional.js';
import { Module } from './module.js';

export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}

/** GELU, exact (erf) by default or the tanh approximation. */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }

  override forward(x: Tensor): Tensor {
    return F.gelu(x, { approximate: this.approximate });
  }
}

/** Zeroes values with probability p in training (scaling the rest by 1/(1-p)); identity in eval. */
export class Dropout extends Module {
  constructor(
    readonly p = 0.5,
    readonly opts: { generator?: Generator } = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new LensfindError('E_MODULE', `Dropout: p must be in [0, 1], got ${p}`);
  }

  override forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    return F.dropout(x, this.p, true, this.opts.generator);
  }
}

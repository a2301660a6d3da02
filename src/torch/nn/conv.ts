import { LensfindError } from '../../errors.js';
import type { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import * as F from '../functional.js';
import { Module } from './module.js';
import { resetLinearLike } from './linear.js';
import { pair, type FactoryOptions, type Pair } from './options.js';

export interface Conv2dOptions extends FactoryOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

/** 2-D convolution over [B, C, H, W]; weight [out, in / groups, kh, kw], PyTorch's default init. */
export class Conv2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    opts: Conv2dOptions = {},
  ) {
    super();
    this.kernelSize = pair(kernelSize);
    this.stride = pair(opts.stride ?? 1);
    this.padding = pair(opts.padding ?? 0);
    this.dilation = pair(opts.dilation ?? 1);
    this.groups = opts.groups ?? 1;
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new LensfindError(
        'E_MODULE',
        `Conv2d: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${this.groups})`,
      );
    }
    const t = { dtype: opts.dtype, device: opts.device };
    const [kh, kw] = this.kernelSize;
    this.registerParameter('weight', zeros([outChannels, inChannels / this.groups, kh, kw], t));
    this.registerParameter('bias', (opts.bias ?? true) ? zeros([outChannels], t) : null);
    resetLinearLike(this.weight, this.bias, (inChannels / this.groups) * kh * kw, opts);
  }

  get weight(): Tensor {
    return this._parameters.get('weight')!;
  }

  get bias(): Tensor | null {
    return this._parameters.get('bias') ?? null;
  }

  override forward(x: Tensor): Tensor {
    return F.conv2d(x, this.weight, this.bias ?? undefined, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}

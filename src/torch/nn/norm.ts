import { LensfindError } from '../../errors.js';
import type { Tensor } from '../tensor.js';
import { ones, zeros } from '../creation.js';
import { noGrad } from '../autograd.js';
import * as F from '../functional.js';
import { Module } from './module.js';
import type { FactoryOptions } from './options.js';

export interface BatchNormOptions extends FactoryOptions {
  eps?: number;
  /** Weight of the new batch in the running averages; null for a cumulative average (PyTorch's momentum=None). */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/**
 * Batch normalisation over [B, C, H, W]: batch statistics in training (updating running_mean/var and
 * num_batches_tracked, an int64 buffer as in PyTorch), running statistics in eval.
 */
export class BatchNorm2d extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    opts: BatchNormOptions = {},
  ) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const t = { dtype: opts.dtype, device: opts.device };
    this.registerParameter('weight', this.affine ? ones([numFeatures], t) : null);
    this.registerParameter('bias', this.affine ? zeros([numFeatures], t) : null);
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], t) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures], t) : null);
    this.registerBuffer(
      'num_batches_tracked',
      track ? zeros([], { dtype: 'int64', device: opts.device }) : null,
    );
  }

  get weight(): Tensor | null {
    return this._parameters.get('weight') ?? null;
  }
  get bias(): Tensor | null {
    return this._parameters.get('bias') ?? null;
  }
  get runningMean(): Tensor | null {
    return this._buffers.get('running_mean') ?? null;
  }
  get runningVar(): Tensor | null {
    return this._buffers.get('running_var') ?? null;
  }
  get numBatchesTracked(): Tensor | null {
    return this._buffers.get('num_batches_tracked') ?? null;
  }

  override forward(x: Tensor): Tensor {
    if (x.ndim !== 4)
      throw new LensfindError(
        'E_MODULE',
        `BatchNorm2d: expected a 4-D input [B, C, H, W], got shape [${x.shape.join(', ')}]`,
      );
    let momentum = this.momentum ?? 0;
    const nbt = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && nbt) {
      noGrad(() => nbt.add_(1));
      if (this.momentum === null) momentum = 1 / nbt.item();
    }
    // PyTorch: batch statistics in training or when no running statistics are tracked; running stats are
    // updated in place by F.batchNorm in training.
    const useBatchStats = this.training || !this.runningMean;
    return F.batchNorm(
      x,
      this.runningMean ?? undefined,
      this.runningVar ?? undefined,
      this.weight ?? undefined,
      this.bias ?? undefined,
      {
        training: useBatchStats,
        momentum,
        eps: this.eps,
      },
    );
  }
}

/** Layer normalisation over the trailing `normalizedShape` dimensions. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;

  constructor(
    normalizedShape: number | number[],
    opts: FactoryOptions & { eps?: number; elementwiseAffine?: boolean } = {},
  ) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.elementwiseAffine ?? true;
    const t = { dtype: opts.dtype, device: opts.device };
    this.registerParameter('weight', affine ? ones(this.normalizedShape, t) : null);
    this.registerParameter('bias', affine ? zeros(this.normalizedShape, t) : null);
  }

  get weight(): Tensor | null {
    return this._parameters.get('weight') ?? null;
  }
  get bias(): Tensor | null {
    return this._parameters.get('bias') ?? null;
  }

  override forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight ?? undefined, this.bias ?? undefined, this.eps);
  }
}

/** Group normalisation of [B, C, ...] in `numGroups` groups of channels, per-channel affine. */
export class GroupNorm extends Module {
  readonly eps: number;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    opts: FactoryOptions & { eps?: number; affine?: boolean } = {},
  ) {
    super();
    if (numChannels % numGroups !== 0) {
      throw new LensfindError(
        'E_MODULE',
        `GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`,
      );
    }
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.affine ?? true;
    const t = { dtype: opts.dtype, device: opts.device };
    this.registerParameter('weight', affine ? ones([numChannels], t) : null);
    this.registerParameter('bias', affine ? zeros([numChannels], t) : null);
  }

  get weight(): Tensor | null {
    return this._parameters.get('weight') ?? null;
  }
  get bias(): Tensor | null {
    return this._parameters.get('bias') ?? null;
  }

  override forward(x: Tensor): Tensor {
    return F.groupNorm(x, this.numGroups, this.weight ?? undefined, this.bias ?? undefined, this.eps);
  }
}

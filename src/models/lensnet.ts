import { z } from 'zod';
import { BatchNorm2d, Conv2d, Linear, MaxPool2d, Module, ReLU, Sequential } from '../torch/nn/index.js';
import { noGrad } from '../torch/autograd.js';
import * as F from '../torch/functional.js';
import type { Tensor } from '../torch/tensor.js';
import type { Generator } from '../torch/random.js';
import { LensModel, SeededDropout, baseModelOptions, child, initConvs_, initLinear_ } from './common.js';

export const lensnetOptions = z.strictObject({
  ...baseModelOptions,
  /** Output channels of each conv-BN-ReLU-maxpool block; the default [16, 32, 64, 128] has ~99k parameters. */
  channels: z.array(z.number().int().min(1)).min(1).max(6).default([16, 32, 64, 128]),
});
export type LensNetOptions = z.infer<typeof lensnetOptions>;

/**
 * lensfind's quick default: blocks of 3x3 conv (no bias) + BatchNorm + ReLU + 2x2 maxpool, then global average
 * pooling, dropout and one logit. Small enough to train on 64x64 cutouts in minutes on 2 cores.
 * Keys: features.{i}.0 (conv), features.{i}.1 (bn), fc.
 */
export class LensNet extends LensModel {
  readonly numFeatures: number;
  readonly features: Sequential;
  readonly headDropout: SeededDropout;
  readonly fc: Linear;

  constructor(
    readonly options: LensNetOptions,
    generator?: Generator,
  ) {
    super();
    this.generator = generator;
    let c = options.inChannels;
    const blocks: Module[] = options.channels.map((out) => {
      const block = new Sequential(
        new Conv2d(c, out, 3, { padding: 1, bias: false, generator }),
        new BatchNorm2d(out),
        new ReLU(),
        new MaxPool2d(2),
      );
      c = out;
      return block;
    });
    this.features = child(this, 'features', new Sequential(...blocks));
    this.numFeatures = c;
    this.headDropout = child(this, 'head_drop', new SeededDropout(options.dropout, this));
    this.fc = child(this, 'fc', new Linear(c, 1, { generator }));
    noGrad(() => {
      initConvs_(this, generator);
      initLinear_(this.fc, generator);
    });
  }

  forwardFeatures(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(this.features.call(x), [1, 1]).flatten(1);
  }

  forwardHead(features: Tensor): Tensor {
    return this.fc.call(this.headDropout.call(features));
  }
}

export function lensnet(options: LensNetOptions, generator?: Generator): LensNet {
  return new LensNet(options, generator);
}

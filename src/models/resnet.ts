import { z } from 'zod';
import { BatchNorm2d, Conv2d, Linear, MaxPool2d, Module, Sequential } from '../torch/nn/index.js';
import { noGrad } from '../torch/autograd.js';
import * as F from '../torch/functional.js';
import type { Tensor } from '../torch/tensor.js';
import type { Generator } from '../torch/random.js';
import { LensModel, SeededDropout, baseModelOptions, child, initConvs_, initLinear_ } from './common.js';

/**
 * torchvision's ResNet (BasicBlock) with its key names (conv1, bn1, layer1..4.{i}.{conv1,bn1,conv2,bn2,
 * downsample.0,downsample.1}, fc), so torchvision weights load unchanged. Options: any number of bands, a base width,
 * and the stem: 'imagenet' (7x7/2 conv + 3x3/2 maxpool) or 'small' (3x3/1 conv, no maxpool) for 64x64 cutouts.
 */
export class BasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;

  constructor(inplanes: number, planes: number, stride: number, generator?: Generator) {
    super();
    this.conv1 = child(
      this,
      'conv1',
      new Conv2d(inplanes, planes, 3, { stride, padding: 1, bias: false, generator }),
    );
    this.bn1 = child(this, 'bn1', new BatchNorm2d(planes));
    this.conv2 = child(
      this,
      'conv2',
      new Conv2d(planes, planes, 3, { stride: 1, padding: 1, bias: false, generator }),
    );
    this.bn2 = child(this, 'bn2', new BatchNorm2d(planes));
    this.downsample =
      stride !== 1 || inplanes !== planes
        ? child(
            this,
            'downsample',
            new Sequential(
              new Conv2d(inplanes, planes, 1, { stride, bias: false, generator }),
              new BatchNorm2d(planes),
            ),
          )
        : null;
  }

  override forward(x: Tensor): Tensor {
    // In place like torchvision (ReLU(inplace=True), out += identity): fewer buffers for autograd to keep.
    let out = this.bn1.call(this.conv1.call(x)).relu_();
    out = this.bn2.call(this.conv2.call(out));
    const identity = this.downsample ? this.downsample.call(x) : x;
    return out.add_(identity).relu_();
  }
}

export const resnetOptions = z.strictObject({
  ...baseModelOptions,
  stem: z.enum(['imagenet', 'small']).default('imagenet'),
  /** Channels of layer1 (torchvision: 64); layer2..4 double it. Smaller widths make fast test models. */
  width: z.number().int().min(1).default(64),
});
export type ResNetOptions = z.infer<typeof resnetOptions>;

export class ResNet extends LensModel {
  readonly numFeatures: number;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly maxpool: MaxPool2d | null;
  readonly layers: Sequential[];
  readonly headDropout: SeededDropout;
  readonly fc: Linear;

  constructor(
    blocks: number[],
    readonly options: ResNetOptions,
    generator?: Generator,
  ) {
    super();
    this.generator = generator;
    const { inChannels, width, stem } = options;
    this.conv1 = child(
      this,
      'conv1',
      stem === 'imagenet'
        ? new Conv2d(inChannels, width, 7, { stride: 2, padding: 3, bias: false, generator })
        : new Conv2d(inChannels, width, 3, { stride: 1, padding: 1, bias: false, generator }),
    );
    this.bn1 = child(this, 'bn1', new BatchNorm2d(width));
    this.maxpool = stem === 'imagenet' ? new MaxPool2d(3, { stride: 2, padding: 1 }) : null;
    let inplanes = width;
    this.layers = blocks.map((n, i) => {
      const planes = width * 2 ** i;
      const mods: Module[] = [];
      for (let b = 0; b < n; b++) {
        mods.push(new BasicBlock(inplanes, planes, b === 0 && i > 0 ? 2 : 1, generator));
        inplanes = planes;
      }
      return child(this, `layer${i + 1}`, new Sequential(...mods));
    });
    this.numFeatures = inplanes;
    this.headDropout = child(this, 'head_drop', new SeededDropout(options.dropout, this));
    this.fc = child(this, 'fc', new Linear(inplanes, 1, { generator }));
    this.resetParameters(generator);
  }

  /** torchvision's initialisation: kaiming_normal(fan_out, relu) convs, BatchNorm 1/0, default Linear. */
  resetParameters(generator?: Generator): void {
    noGrad(() => {
      initConvs_(this, generator);
      initLinear_(this.fc, generator);
    });
  }

  forwardFeatures(x: Tensor): Tensor {
    let h = this.bn1.call(this.conv1.call(x)).relu_();
    if (this.maxpool) h = this.maxpool.call(h);
    for (const layer of this.layers) h = layer.call(h);
    return F.adaptiveAvgPool2d(h, [1, 1]).flatten(1);
  }

  forwardHead(features: Tensor): Tensor {
    return this.fc.call(this.headDropout.call(features));
  }
}

export function resnet18(options: ResNetOptions, generator?: Generator): ResNet {
  return new ResNet([2, 2, 2, 2], options, generator);
}

export function resnet34(options: ResNetOptions, generator?: Generator): ResNet {
  return new ResNet([3, 4, 6, 3], options, generator);
}

/**
 * Backbones of the posterior network: an image [B, bands, H, W] (normalised, plus two coordinate channels that the
 * network adds: x and y in [-1, 1], so position survives pooling) to a feature vector [B, F].
 * - `cnn` (the CPU default): a 5x5/2 stem, then one ResNet BasicBlock (src/models/resnet.ts) per stage, each
 *   halving the resolution, an average pool to pool x pool cells (coarse position kept) and a linear layer;
 * - `resnet18` / `resnet34`: the registry's torchvision ResNets (src/models), globally pooled features;
 * - `swinv2`: a Swin Transformer V2 (src/models/swinv2.ts, DeepLeGATo++'s backbone), small by default for the CPU
 *   (patch 2, embed 24, depths [2, 2, 2], heads [2, 4, 8], window 4, position-bias MLP of 64).
 */
import { z } from 'zod';
import { BatchNorm2d, Conv2d, Linear, Module, Sequential } from '../torch/nn/index.js';
import { noGrad } from '../torch/autograd.js';
import * as F from '../torch/functional.js';
import type { Tensor } from '../torch/tensor.js';
import type { Generator } from '../torch/random.js';
import { BasicBlock } from '../models/resnet.js';
import { child, initConvs_, initLinear_, type LensModel } from '../models/common.js';
import { createModel } from '../models/registry.js';
import { SwinTransformerV2, swinV2Options } from '../models/swinv2.js';
import { ConfigError } from '../errors.js';

export const backboneConfigSchema = z
  .strictObject({
    name: z.enum(['cnn', 'resnet18', 'resnet34', 'swinv2']).default('cnn'),
    /** cnn: stem channels, then one stride-2 BasicBlock per entry. */
    stem: z.number().int().min(1).default(16),
    channels: z.array(z.number().int().min(1)).min(1).max(8).default([16, 32, 64, 128]),
    /** cnn: the last feature map is averaged to pool x pool cells before the linear layer. */
    pool: z.number().int().min(1).max(16).default(4),
    /** cnn: size of the feature vector. */
    features: z.number().int().min(1).default(256),
    /** resnet: channels of layer1 (torchvision: 64). */
    width: z.number().int().min(1).default(32),
    /** swinv2 (swin_v2_t: patch 4, embed 96, depths [2, 2, 6, 2], heads [3, 6, 12, 24], window 8, cpb 512). */
    patch: z.number().int().min(1).default(2),
    embed_dim: z.number().int().min(1).default(24),
    depths: z.array(z.number().int().min(1)).min(1).max(6).default([2, 2, 2]),
    heads: z.array(z.number().int().min(1)).min(1).max(6).default([2, 4, 8]),
    window: z.number().int().min(1).default(4),
    cpb_hidden: z.number().int().min(1).default(64),
  })
  .prefault({});
export type BackboneConfig = z.output<typeof backboneConfigSchema>;

export abstract class Backbone extends Module {
  abstract readonly numFeatures: number;
  abstract forwardFeatures(x: Tensor): Tensor;
}

export class SmallCnn extends Backbone {
  readonly numFeatures: number;
  readonly stem: Sequential;
  readonly stages: Sequential;
  readonly fc: Linear;

  constructor(
    inChannels: number,
    readonly cfg: BackboneConfig,
    generator?: Generator,
  ) {
    super();
    this.stem = child(
      this,
      'stem',
      new Sequential(
        new Conv2d(inChannels, cfg.stem, 5, { stride: 2, padding: 2, bias: false, generator }),
        new BatchNorm2d(cfg.stem),
      ),
    );
    let c = cfg.stem;
    const blocks = cfg.channels.map((out) => {
      const b = new BasicBlock(c, out, 2, generator);
      c = out;
      return b;
    });
    this.stages = child(this, 'stages', new Sequential(...blocks));
    this.fc = child(this, 'fc', new Linear(c * cfg.pool * cfg.pool, cfg.features, { generator }));
    this.numFeatures = cfg.features;
    noGrad(() => {
      initConvs_(this, generator);
      initLinear_(this.fc, generator);
    });
  }

  forwardFeatures(x: Tensor): Tensor {
    const h = this.stages.call(F.relu(this.stem.call(x)));
    const p = F.adaptiveAvgPool2d(h, [this.cfg.pool, this.cfg.pool]).flatten(1);
    return F.relu(this.fc.call(p));
  }
}

/** A registry ResNet used for its pooled features. */
export class ResNetBackbone extends Backbone {
  readonly numFeatures: number;
  readonly net: LensModel;

  constructor(
    name: 'resnet18' | 'resnet34',
    inChannels: number,
    imageSize: number,
    width: number,
    generator?: Generator,
  ) {
    super();
    this.net = child(
      this,
      'net',
      createModel(name, { inChannels, imageSize, stem: 'imagenet', width }, generator),
    );
    this.numFeatures = this.net.numFeatures;
    // the classifier's logit layer is not used: keep it out of training
    for (const p of this.net.getModule('fc')!.parameters()) p.requiresGrad_(false);
  }

  forwardFeatures(x: Tensor): Tensor {
    return this.net.forwardFeatures(x);
  }
}

/** A Swin Transformer V2 used for its pooled features. */
export class SwinBackbone extends Backbone {
  readonly numFeatures: number;
  readonly net: SwinTransformerV2;

  constructor(cfg: BackboneConfig, inChannels: number, imageSize: number, generator?: Generator) {
    super();
    const opts = swinV2Options.parse({
      inChannels,
      imageSize,
      patchSize: cfg.patch,
      embedDim: cfg.embed_dim,
      depths: cfg.depths,
      heads: cfg.heads,
      window: cfg.window,
      cpbHidden: cfg.cpb_hidden,
    });
    if (opts.depths.length !== opts.heads.length)
      throw new ConfigError(
        `model.backbone: depths has ${opts.depths.length} stages but heads has ${opts.heads.length}`,
        'model.backbone.heads',
      );
    this.net = child(this, 'net', new SwinTransformerV2(opts, generator));
    this.numFeatures = this.net.numFeatures;
    for (const p of this.net.head.parameters()) p.requiresGrad_(false);
  }

  forwardFeatures(x: Tensor): Tensor {
    return this.net.forwardFeatures(x);
  }
}

export function createBackbone(
  cfg: BackboneConfig,
  inChannels: number,
  imageSize: number,
  generator?: Generator,
): Backbone {
  if (cfg.name === 'cnn') return new SmallCnn(inChannels, cfg, generator);
  if (cfg.name === 'swinv2') return new SwinBackbone(cfg, inChannels, imageSize, generator);
  return new ResNetBackbone(cfg.name, inChannels, imageSize, cfg.width, generator);
}

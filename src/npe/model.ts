/**
 * The posterior network: backbone features of the image (and optionally fixed photometric summaries) -> a context
 * vector (a two-layer MLP) -> the conditional flow over the unconstrained parameters z. log q(z | x) for training,
 * samples of z for posteriors.
 */
import { z } from 'zod';
import { GELU, Linear, Module, Sequential } from '../torch/nn/index.js';
import { cat } from '../torch/ops.js';
import { linspace } from '../torch/creation.js';
import { noGrad } from '../torch/autograd.js';
import type { Tensor } from '../torch/tensor.js';
import type { Generator } from '../torch/random.js';
import { child } from '../models/common.js';
import { backboneConfigSchema, createBackbone, type Backbone } from './backbone.js';
import { createFlow, flowConfigSchema, type ConditionalDensity } from './flows/index.js';
import { ImageSummaries } from './summaries.js';

export const modelConfigSchema = z
  .strictObject({
    backbone: backboneConfigSchema,
    /** Size of the context vector the flow is conditioned on. */
    context: z.number().int().min(1).default(128),
    /** Add fixed photometric summaries (aperture fluxes, windowed moments: src/npe/summaries.ts) to the features. */
    summaries: z.boolean().default(false),
    flow: flowConfigSchema,
  })
  .prefault({});
export type NpeModelConfig = z.output<typeof modelConfigSchema>;

export class PosteriorNet extends Module {
  readonly backbone: Backbone;
  readonly embed: Sequential;
  readonly flow: ConditionalDensity;
  readonly summaries?: ImageSummaries;

  constructor(
    readonly cfg: NpeModelConfig,
    readonly bands: number,
    readonly imageSize: number,
    readonly dim: number,
    generator?: Generator,
  ) {
    super();
    this.backbone = child(this, 'backbone', createBackbone(cfg.backbone, bands + 2, imageSize, generator));
    if (cfg.summaries) this.summaries = child(this, 'summaries', new ImageSummaries(bands, imageSize));
    const F = this.backbone.numFeatures + (this.summaries?.numFeatures ?? 0);
    this.embed = child(
      this,
      'embed',
      new Sequential(
        new Linear(F, cfg.context, { generator }),
        new GELU(),
        new Linear(cfg.context, cfg.context, { generator }),
      ),
    );
    this.flow = child(this, 'flow', createFlow(cfg.flow, dim, cfg.context, generator));
    // coordinate channels: x to the right, y up (row 0 is the top), in [-1, 1]
    const n = imageSize;
    const ramp = linspace(-1, 1, n);
    const xs = ramp.unsqueeze(0).expand([n, n]);
    const ys = ramp.flip(0).unsqueeze(1).expand([n, n]);
    this.registerBuffer(
      'coords',
      noGrad(() => cat([xs.unsqueeze(0), ys.unsqueeze(0)], 0).contiguous()),
      false,
    );
  }

  /** The context vector [B, C] of images [B, bands, H, W] (normalised). */
  context(x: Tensor): Tensor {
    const B = x.shape[0];
    const coords = this.getBuffer('coords')!.unsqueeze(0).expand([B, 2, this.imageSize, this.imageSize]);
    const f = this.backbone.forwardFeatures(cat([x, coords], 1));
    return this.embed.call(this.summaries ? cat([f, this.summaries.call(x)], 1) : f);
  }

  /** log q(z | x): [B]. */
  logProb(x: Tensor, zTrue: Tensor): Tensor {
    return this.flow.logProb(zTrue, this.context(x));
  }

  /** n posterior draws of z per image: [B, n, D]. */
  sample(x: Tensor, n: number, generator?: Generator): Tensor {
    return this.flow.sample(this.context(x), n, generator);
  }

  /** The same draws in the parameter-major layout [D, B·n] (the fast layout for coupling flows). */
  sampleByParameter(x: Tensor, n: number, generator?: Generator): Tensor {
    return this.flow.sampleByParameter(this.context(x), n, generator);
  }
}

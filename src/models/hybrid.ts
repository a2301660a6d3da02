import { z } from 'zod';
import { BatchNorm2d, Conv2d, LayerNorm, Linear, ReLU, Sequential } from '../torch/nn/index.js';
import { kaimingNormal_ } from '../torch/nn/init.js';
import { full, tensor, zeros } from '../torch/creation.js';
import { noGrad } from '../torch/autograd.js';
import type { Tensor } from '../torch/tensor.js';
import type { Generator } from '../torch/random.js';
import { ConfigError } from '../errors.js';
import {
  LensModel,
  SeededDropout,
  baseModelOptions,
  child,
  initConvs_,
  initLinear_,
  param,
} from './common.js';
import { EncoderBlock, EncoderLayers } from './vit.js';

export const hybridOptions = z.strictObject({
  ...baseModelOptions,
  /** Channels of the CNN stages; each stage is a stride-2 3x3 conv + BN + ReLU, so 3 stages make 64x64 an 8x8 grid. */
  cnnChannels: z.array(z.number().int().min(1)).min(1).max(5).default([32, 64, 128]),
  hidden: z.number().int().min(1).default(128),
  depth: z.number().int().min(1).default(4),
  heads: z.number().int().min(1).default(4),
  mlpDim: z.number().int().min(1).default(256),
  encoderDropout: z.number().min(0).lt(1).default(0),
  attentionDropout: z.number().min(0).lt(1).default(0),
  /**
   * Arc-aware attention: the tokens' position encoding is made from their polar coordinates about the cutout centre
   * (radius and angle, where a lens's arcs and ring lie) instead of a learned grid embedding, and each head adds a
   * learned bias -s_h (Δr / 0.25)^2 to its scores, so tokens at the same radius (along an arc) can attend to each other.
   */
  arcAttention: z.boolean().default(false),
});
export type HybridOptions = z.infer<typeof hybridOptions>;

/** Radial Fourier frequencies and angular harmonics of the polar encoding. */
const RADIAL_FREQS = 4;
const ANGULAR_HARMONICS = 2;
export const POLAR_FEATURES = 1 + 2 * RADIAL_FREQS + 2 * ANGULAR_HARMONICS;

/**
 * Polar coordinates of a g x g token grid about the image centre: r (1 at the middle of an edge) and the angle θ
 * counter-clockwise from +x with y up (lensfind's image convention). Returns the features [N, POLAR_FEATURES]
 * (r, sin/cos(kπr), sin/cos(mθ)) and the squared radius differences [N, N].
 */
export function polarGrid(g: number): { features: Float32Array; radius: Float32Array; dr2: Float32Array } {
  const n = g * g;
  const features = new Float32Array(n * POLAR_FEATURES);
  const radius = new Float32Array(n);
  for (let iy = 0; iy < g; iy++) {
    for (let ix = 0; ix < g; ix++) {
      const i = iy * g + ix;
      const x = (ix + 0.5) / g - 0.5;
      const y = 0.5 - (iy + 0.5) / g;
      const r = Math.hypot(x, y) / 0.5;
      const theta = Math.atan2(y, x);
      radius[i] = r;
      const f = features.subarray(i * POLAR_FEATURES, (i + 1) * POLAR_FEATURES);
      let j = 0;
      f[j++] = r;
      for (let k = 1; k <= RADIAL_FREQS; k++) {
        f[j++] = Math.sin(k * Math.PI * r);
        f[j++] = Math.cos(k * Math.PI * r);
      }
      for (let m = 1; m <= ANGULAR_HARMONICS; m++) {
        f[j++] = Math.sin(m * theta);
        f[j++] = Math.cos(m * theta);
      }
    }
  }
  const dr2 = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) dr2[i * n + k] = ((radius[i] - radius[k]) / 0.25) ** 2;
  return { features, radius, dr2 };
}

/**
 * A CNN stage turning the cutout into a grid of tokens (stem.{i}.{0 conv, 1 bn}, token_proj 1x1 conv to the hidden
 * size), a transformer encoder over the tokens (encoder_layer_{i} as in torchvision's ViT), mean pooling, LayerNorm,
 * dropout and one logit. Position encoding: a learned `pos_embedding`, or with arcAttention the polar encoding.
 */
export class HybridNet extends LensModel {
  readonly numFeatures: number;
  readonly stem: Sequential;
  readonly token_proj: Conv2d;
  readonly pos_embedding: Tensor | null = null;
  readonly polar_proj: Linear | null = null;
  readonly radial_scale: Tensor | null = null;
  readonly layers: EncoderLayers;
  readonly ln: LayerNorm;
  readonly headDropout: SeededDropout;
  readonly head: Linear;
  readonly grid: number;
  private readonly polarFeatures: Tensor | null = null;
  private readonly radialDist2: Tensor | null = null;

  constructor(
    readonly options: HybridOptions,
    generator?: Generator,
  ) {
    super();
    this.generator = generator;
    const o = options;
    const down = 2 ** o.cnnChannels.length;
    if (o.imageSize % down !== 0) {
      throw new ConfigError(
        `model.imageSize ${o.imageSize} must be divisible by 2^${o.cnnChannels.length} = ${down} (one halving per ` +
          `entry of model.cnnChannels)`,
        'model.imageSize',
      );
    }
    if (o.hidden % o.heads !== 0) {
      throw new ConfigError(
        `model.hidden ${o.hidden} is not divisible by model.heads ${o.heads}`,
        'model.heads',
      );
    }
    this.grid = o.imageSize / down;
    const n = this.grid * this.grid;
    let c = o.inChannels;
    this.stem = child(
      this,
      'stem',
      new Sequential(
        ...o.cnnChannels.map((out) => {
          const stage = new Sequential(
            new Conv2d(c, out, 3, { stride: 2, padding: 1, bias: false, generator }),
            new BatchNorm2d(out),
            new ReLU(),
          );
          c = out;
          return stage;
        }),
      ),
    );
    this.token_proj = child(this, 'token_proj', new Conv2d(c, o.hidden, 1, { generator }));
    if (o.arcAttention) {
      const polar = polarGrid(this.grid);
      this.polar_proj = child(this, 'polar_proj', new Linear(POLAR_FEATURES, o.hidden, { generator }));
      this.radial_scale = param(this, 'radial_scale', full([o.heads], 0.5));
      // Constants of the grid: buffers (they follow .to(device)) but not saved in the state dict.
      this.polarFeatures = tensor(polar.features, { shape: [n, POLAR_FEATURES] }).keep();
      this.radialDist2 = tensor(polar.dr2, { shape: [1, 1, n, n] }).keep();
      this.registerBuffer('polar_features', this.polarFeatures, false);
      this.registerBuffer('radial_dist2', this.radialDist2, false);
    } else {
      this.pos_embedding = param(this, 'pos_embedding', zeros([1, n, o.hidden]));
    }
    this.layers = child(
      this,
      'layers',
      new EncoderLayers(
        o.depth,
        () => new EncoderBlock(o.hidden, o.heads, o.mlpDim, o.encoderDropout, o.attentionDropout, this),
      ),
    );
    this.ln = child(this, 'ln', new LayerNorm([o.hidden], { eps: 1e-6 }));
    this.numFeatures = o.hidden;
    this.headDropout = child(this, 'head_drop', new SeededDropout(o.dropout, this));
    this.head = child(this, 'head', new Linear(o.hidden, 1, { generator }));
    this.resetParameters(generator);
  }

  resetParameters(generator?: Generator): void {
    noGrad(() => {
      initConvs_(this.stem, generator);
      kaimingNormal_(this.token_proj.weight, { mode: 'fan_in', nonlinearity: 'linear', generator });
      this.token_proj.bias!.zero_();
      this.pos_embedding?.normal_(0, 0.02, generator);
      if (this.polar_proj) initLinear_(this.polar_proj, generator);
      for (const block of this.layers.blocks) block.resetParameters(generator);
      initLinear_(this.head, generator);
    });
  }

  forwardFeatures(x: Tensor): Tensor {
    const [, , h, w] = x.shape;
    const size = this.options.imageSize;
    if (h !== size || w !== size) {
      throw new ConfigError(
        `hybrid: input is ${h}x${w} but the model was built for ${size}x${size} (model.imageSize)`,
        'model.imageSize',
      );
    }
    let tokens = this.token_proj.call(this.stem.call(x)).flatten(2).transpose(1, 2); // [B, N, hidden]
    let scoreBias: Tensor | undefined;
    if (this.polar_proj && this.polarFeatures && this.radialDist2 && this.radial_scale) {
      tokens = tokens.add(this.polar_proj.call(this.polarFeatures));
      scoreBias = this.radial_scale.view(1, -1, 1, 1).mul(this.radialDist2).neg();
    } else {
      tokens = tokens.add(this.pos_embedding!);
    }
    return this.ln.call(this.layers.call(tokens, scoreBias)).mean(1);
  }

  forwardHead(features: Tensor): Tensor {
    return this.head.call(this.headDropout.call(features));
  }
}

export function hybrid(options: HybridOptions, generator?: Generator): HybridNet {
  return new HybridNet(options, generator);
}

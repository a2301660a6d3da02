import { z } from 'zod';
import { Conv2d, GELU, LayerNorm, Linear, Module, Sequential } from '../torch/nn/index.js';
import { truncNormal_, xavierUniform_ } from '../torch/nn/init.js';
import { zeros } from '../torch/creation.js';
import { noGrad } from '../torch/autograd.js';
import { cat } from '../torch/ops.js';
import type { Tensor } from '../torch/tensor.js';
import type { Generator } from '../torch/random.js';
import { ConfigError } from '../errors.js';
import { LensModel, SeededDropout, baseModelOptions, child, param } from './common.js';
import { SelfAttention } from './attention.js';

type Owner = { generator?: Generator };

/** torchvision's MLPBlock: mlp.0 Linear, mlp.1 GELU, mlp.2 Dropout, mlp.3 Linear, mlp.4 Dropout. */
function mlpBlock(hidden: number, mlpDim: number, dropout: number, owner: Owner): Sequential {
  return new Sequential(
    new Linear(hidden, mlpDim, { generator: owner.generator }),
    new GELU(),
    new SeededDropout(dropout, owner),
    new Linear(mlpDim, hidden, { generator: owner.generator }),
    new SeededDropout(dropout, owner),
  );
}

/** torchvision's EncoderBlock (pre-norm): x + attn(ln_1(x)), then + mlp(ln_2(.)). LayerNorm eps 1e-6. */
export class EncoderBlock extends Module {
  readonly ln_1: LayerNorm;
  readonly self_attention: SelfAttention;
  readonly dropout: SeededDropout;
  readonly ln_2: LayerNorm;
  readonly mlp: Sequential;

  constructor(
    hidden: number,
    heads: number,
    mlpDim: number,
    dropout: number,
    attentionDropout: number,
    owner: Owner,
  ) {
    super();
    this.ln_1 = child(this, 'ln_1', new LayerNorm([hidden], { eps: 1e-6 }));
    this.self_attention = child(
      this,
      'self_attention',
      new SelfAttention(hidden, heads, attentionDropout, owner),
    );
    this.dropout = child(this, 'dropout', new SeededDropout(dropout, owner));
    this.ln_2 = child(this, 'ln_2', new LayerNorm([hidden], { eps: 1e-6 }));
    this.mlp = child(this, 'mlp', mlpBlock(hidden, mlpDim, dropout, owner));
  }

  resetParameters(generator?: Generator): void {
    this.self_attention.resetParameters(generator);
    noGrad(() => {
      for (const i of [0, 3]) {
        const lin = this.mlp.at(i) as Linear;
        xavierUniform_(lin.weight, { generator });
        lin.bias!.normal_(0, 1e-6, generator);
      }
    });
  }

  override forward(input: Tensor, scoreBias?: Tensor): Tensor {
    const x = this.dropout.call(this.self_attention.call(this.ln_1.call(input), scoreBias)).add(input);
    return x.add(this.mlp.call(this.ln_2.call(x)));
  }
}

/** A stack of EncoderBlocks named encoder_layer_{i} (torchvision's keys), passing an optional attention-score bias. */
export class EncoderLayers extends Module {
  readonly blocks: EncoderBlock[] = [];
  constructor(depth: number, make: () => EncoderBlock) {
    super();
    for (let i = 0; i < depth; i++) this.blocks.push(child(this, `encoder_layer_${i}`, make()));
  }
  override forward(x: Tensor, scoreBias?: Tensor): Tensor {
    for (const block of this.blocks) x = block.call(x, scoreBias);
    return x;
  }
}

/** torchvision's Encoder: + pos_embedding, dropout, the layers, final LayerNorm `ln`. */
export class Encoder extends Module {
  readonly pos_embedding: Tensor;
  readonly dropout: SeededDropout;
  readonly layers: EncoderLayers;
  readonly ln: LayerNorm;
  constructor(seqLength: number, hidden: number, opts: VitOptions, owner: Owner) {
    super();
    this.pos_embedding = param(this, 'pos_embedding', zeros([1, seqLength, hidden]));
    this.dropout = child(this, 'dropout', new SeededDropout(opts.encoderDropout, owner));
    this.layers = child(
      this,
      'layers',
      new EncoderLayers(
        opts.depth,
        () =>
          new EncoderBlock(
            hidden,
            opts.heads,
            opts.mlpDim,
            opts.encoderDropout,
            opts.attentionDropout,
            owner,
          ),
      ),
    );
    this.ln = child(this, 'ln', new LayerNorm([hidden], { eps: 1e-6 }));
  }
  override forward(x: Tensor): Tensor {
    return this.ln.call(this.layers.call(this.dropout.call(x.add(this.pos_embedding))));
  }
}

/** torchvision's `heads` container, so the classifier's keys are heads.head.{weight,bias}. */
class Heads extends Module {
  readonly head: Linear;
  constructor(hidden: number, generator?: Generator) {
    super();
    this.head = child(this, 'head', new Linear(hidden, 1, { generator }));
  }
  override forward(x: Tensor): Tensor {
    return this.head.call(x);
  }
}

export interface VitDefaults {
  imageSize: number;
  patchSize: number;
  depth: number;
  heads: number;
  hidden: number;
  mlpDim: number;
}

/** The options schema of one ViT variant: the shared options with that variant's defaults. */
export function vitOptionsSchema(d: VitDefaults) {
  return z.strictObject({
    ...baseModelOptions,
    imageSize: z.number().int().min(1).default(d.imageSize),
    patchSize: z.number().int().min(1).default(d.patchSize),
    depth: z.number().int().min(1).default(d.depth),
    heads: z.number().int().min(1).default(d.heads),
    hidden: z.number().int().min(1).default(d.hidden),
    mlpDim: z.number().int().min(1).default(d.mlpDim),
    /** torchvision's `dropout` (after attention, in the MLP, after the position embedding). */
    encoderDropout: z.number().min(0).lt(1).default(0),
    attentionDropout: z.number().min(0).lt(1).default(0),
  });
}
export type VitOptions = z.infer<ReturnType<typeof vitOptionsSchema>>;

/**
 * torchvision's VisionTransformer with its key names (class_token, conv_proj, encoder.pos_embedding,
 * encoder.layers.encoder_layer_{i}.*, encoder.ln, heads.head), any number of bands, one logit from the class token.
 */
export class VisionTransformer extends LensModel {
  readonly numFeatures: number;
  readonly class_token: Tensor;
  readonly conv_proj: Conv2d;
  readonly encoder: Encoder;
  readonly headDropout: SeededDropout;
  readonly head: Linear;

  constructor(
    readonly options: VitOptions,
    generator?: Generator,
  ) {
    super();
    this.generator = generator;
    const { imageSize, patchSize, hidden, heads, inChannels } = options;
    if (imageSize % patchSize !== 0) {
      throw new ConfigError(
        `model.imageSize ${imageSize} is not divisible by model.patchSize ${patchSize}`,
        'model.patchSize',
      );
    }
    if (hidden % heads !== 0) {
      throw new ConfigError(`model.hidden ${hidden} is not divisible by model.heads ${heads}`, 'model.heads');
    }
    const seqLength = (imageSize / patchSize) ** 2 + 1;
    this.numFeatures = hidden;
    this.class_token = param(this, 'class_token', zeros([1, 1, hidden]));
    this.conv_proj = child(
      this,
      'conv_proj',
      new Conv2d(inChannels, hidden, patchSize, { stride: patchSize, generator }),
    );
    this.encoder = child(this, 'encoder', new Encoder(seqLength, hidden, options, this));
    this.head = child(this, 'heads', new Heads(hidden, generator)).head;
    this.headDropout = child(this, 'head_drop', new SeededDropout(options.dropout, this));
    this.resetParameters(generator);
  }

  /** torchvision's initialisation; the head starts at zero (logit 0, p = 0.5, for every image). */
  resetParameters(generator?: Generator): void {
    const { inChannels, patchSize } = this.options;
    noGrad(() => {
      truncNormal_(this.conv_proj.weight, {
        std: Math.sqrt(1 / (inChannels * patchSize * patchSize)),
        generator,
      });
      this.conv_proj.bias!.zero_();
      this.encoder.pos_embedding.normal_(0, 0.02, generator);
      this.class_token.zero_();
      for (const block of this.encoder.layers.blocks) block.resetParameters(generator);
      this.head.weight.zero_();
      this.head.bias!.zero_();
    });
  }

  /** Patches to tokens: [B, C, H, W] -> [B, 1 + (H/p)(W/p), hidden] with the class token first. */
  processInput(x: Tensor): Tensor {
    const [b, , h, w] = x.shape;
    const { imageSize } = this.options;
    if (h !== imageSize || w !== imageSize) {
      throw new ConfigError(
        `vit: input is ${h}x${w} but the model was built for ${imageSize}x${imageSize} (model.imageSize)`,
        'model.imageSize',
      );
    }
    const tokens = this.conv_proj.call(x).flatten(2).transpose(1, 2);
    return cat([this.class_token.expand(b, -1, -1), tokens], 1);
  }

  forwardFeatures(x: Tensor): Tensor {
    return this.encoder.call(this.processInput(x)).select(1, 0);
  }

  forwardHead(features: Tensor): Tensor {
    return this.head.call(this.headDropout.call(features));
  }
}

export const vitTinyOptions = vitOptionsSchema({
  imageSize: 64,
  patchSize: 8,
  depth: 12,
  heads: 3,
  hidden: 192,
  mlpDim: 768,
});
export const vitSmallOptions = vitOptionsSchema({
  imageSize: 64,
  patchSize: 8,
  depth: 12,
  heads: 6,
  hidden: 384,
  mlpDim: 1536,
});
export const vitB16Options = vitOptionsSchema({
  imageSize: 64,
  patchSize: 16,
  depth: 12,
  heads: 12,
  hidden: 768,
  mlpDim: 3072,
});

export function visionTransformer(options: VitOptions, generator?: Generator): VisionTransformer {
  return new VisionTransformer(options, generator);
}

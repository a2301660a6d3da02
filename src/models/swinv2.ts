/**
 * Swin Transformer V2 (Liu et al. 2022), as torchvision's `swin_v2_t` (same module and parameter names, so its
 * weights load and a test compares outputs), the backbone of DeepLeGATo++:
 * - a patch embedding (conv k = s = patch, LayerNorm), then stages of blocks on [B, H, W, C] (channels last);
 * - windowed multi-head self-attention, every second block on windows shifted by half a window (a cyclic roll,
 *   with a mask that stops attention between pixels the roll brought together from opposite edges);
 * - scaled cosine attention: cos(q, k) times a learnable per-head temperature exp(logit_scale), clamped at 100;
 * - a continuous relative position bias: a small MLP (cpb_mlp) of log-spaced relative coordinates
 *   sign(x) log2(1 + 8 |x| / (w - 1)) / 3, squashed to 16 sigmoid(.);
 * - res-post-norm: x + norm1(attn(x)), then x + norm2(mlp(x));
 * - patch merging between stages (2x2 neighbours concatenated, a linear 4C -> 2C, then LayerNorm).
 * Windows larger than the feature map shrink to it (and do not shift), as in the reference implementation.
 */
import { z } from 'zod';
import { Conv2d, GELU, LayerNorm, Linear, Module, ReLU, Sequential } from '../torch/nn/index.js';
import { truncNormal_ } from '../torch/nn/init.js';
import { fromTypedArray, ones, zeros } from '../torch/creation.js';
import { noGrad } from '../torch/autograd.js';
import { cat } from '../torch/ops.js';
import * as F from '../torch/functional.js';
import type { Tensor } from '../torch/tensor.js';
import type { Generator } from '../torch/random.js';
import { LensModel, baseModelOptions, child, param } from './common.js';
import { ConfigError } from '../errors.js';

/** Log-spaced relative coordinates [(2w-1)^2, 2] and the index [w^2 * w^2] of each token pair into them. */
function relativeTables(w: number): { coords: Tensor; index: Tensor } {
  const n = 2 * w - 1;
  const coords = new Float32Array(n * n * 2);
  const squash = (v: number) => (Math.sign(v) * Math.log2(Math.abs(v) + 1)) / 3;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const d = Math.max(1, w - 1);
      coords[(i * n + j) * 2] = squash(((i - (w - 1)) / d) * 8);
      coords[(i * n + j) * 2 + 1] = squash(((j - (w - 1)) / d) * 8);
    }
  const N = w * w;
  const index = new BigInt64Array(N * N);
  for (let a = 0; a < N; a++)
    for (let b = 0; b < N; b++) {
      const dh = Math.floor(a / w) - Math.floor(b / w) + w - 1;
      const dw = (a % w) - (b % w) + w - 1;
      index[a * N + b] = BigInt(dh * n + dw);
    }
  return { coords: fromTypedArray(coords, [n * n, 2]), index: fromTypedArray(index, [N * N]) };
}

/** The shifted windows' mask [nW, N, N]: 0 within a region, -100 between regions the roll brought together. */
export function shiftMask(H: number, W: number, w: number, s: number): Tensor {
  const region = new Int32Array(H * W);
  const band = (x: number, L: number) => (x < L - w ? 0 : x < L - s ? 1 : 2);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) region[y * W + x] = band(y, H) * 3 + band(x, W);
  const nW = (H / w) * (W / w);
  const N = w * w;
  const mask = new Float32Array(nW * N * N);
  for (let wy = 0; wy < H / w; wy++)
    for (let wx = 0; wx < W / w; wx++) {
      const k = wy * (W / w) + wx;
      const r = (t: number) => region[(wy * w + Math.floor(t / w)) * W + wx * w + (t % w)];
      for (let a = 0; a < N; a++)
        for (let b = 0; b < N; b++) mask[(k * N + a) * N + b] = r(a) === r(b) ? 0 : -100;
    }
  return fromTypedArray(mask, [nW, N, N]);
}

export class ShiftedWindowAttentionV2 extends Module {
  readonly qkv: Linear;
  readonly proj: Linear;
  readonly logit_scale: Tensor;
  readonly cpb_mlp: Sequential;

  constructor(
    dim: number,
    readonly window: number,
    readonly shift: number,
    readonly heads: number,
    cpbHidden: number,
    generator?: Generator,
  ) {
    super();
    this.qkv = child(this, 'qkv', new Linear(dim, 3 * dim, { generator }));
    this.proj = child(this, 'proj', new Linear(dim, dim, { generator }));
    this.logit_scale = param(this, 'logit_scale', ones([heads, 1, 1]).mul(Math.log(10)));
    this.cpb_mlp = child(
      this,
      'cpb_mlp',
      new Sequential(
        new Linear(2, cpbHidden, { generator }),
        new ReLU(),
        new Linear(cpbHidden, heads, { bias: false, generator }),
      ),
    );
    const t = relativeTables(window);
    this.registerBuffer('relative_coords_table', t.coords, false);
    this.registerBuffer('relative_position_index', t.index, false);
  }

  /** 16 sigmoid(cpb_mlp(coords)) gathered per token pair: [1, heads, N, N]. */
  relativePositionBias(): Tensor {
    const N = this.window * this.window;
    const table = this.cpb_mlp.call(this.getBuffer('relative_coords_table')!); // [(2w-1)^2, heads]
    return table
      .indexSelect(0, this.getBuffer('relative_position_index')!)
      .reshape([N, N, this.heads])
      .permute(2, 0, 1)
      .unsqueeze(0)
      .sigmoid()
      .mul(16);
  }

  /** x: [B, H, W, C] with H and W multiples of the window. */
  override forward(x: Tensor): Tensor {
    const [B, H, W, C] = x.shape;
    const w = this.window,
      s = this.shift,
      h = this.heads;
    const N = w * w,
      nW = (H / w) * (W / w);
    if (s > 0) x = x.roll([-s, -s], [1, 2]);
    const win = x
      .reshape([B, H / w, w, W / w, w, C])
      .permute(0, 1, 3, 2, 4, 5)
      .reshape([B * nW, N, C]);
    // the key bias is always zero in V2 (cosine attention makes it irrelevant)
    const bias = this.qkv.bias!;
    const qkvBias = cat([bias.narrow(0, 0, C), zeros([C]), bias.narrow(0, 2 * C, C)], 0);
    const qkv = F.linear(win, this.qkv.weight, qkvBias)
      .reshape([B * nW, N, 3, h, C / h])
      .permute(2, 0, 3, 1, 4);
    const [q, k, v] = [qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2)];
    const unit = (t: Tensor) => t.div(t.norm(2, -1, true).clamp(1e-12));
    let attn = unit(q)
      .matmul(unit(k).transpose(-2, -1))
      .mul(this.logit_scale.clamp(null, Math.log(100)).exp())
      .add(this.relativePositionBias());
    if (s > 0) {
      const mask = shiftMask(H, W, w, s).unsqueeze(1).unsqueeze(0); // [1, nW, 1, N, N]
      attn = attn
        .reshape([B, nW, h, N, N])
        .add(mask)
        .reshape([B * nW, h, N, N]);
    }
    let out = F.softmax(attn, -1)
      .matmul(v)
      .transpose(1, 2)
      .reshape([B * nW, N, C]);
    out = this.proj.call(out);
    out = out
      .reshape([B, H / w, W / w, w, w, C])
      .permute(0, 1, 3, 2, 4, 5)
      .reshape([B, H, W, C]);
    return s > 0 ? out.roll([s, s], [1, 2]) : out;
  }
}

export class SwinBlockV2 extends Module {
  readonly norm1: LayerNorm;
  readonly attn: ShiftedWindowAttentionV2;
  readonly norm2: LayerNorm;
  readonly mlp: Sequential;

  constructor(
    dim: number,
    heads: number,
    window: number,
    shift: number,
    cpbHidden: number,
    generator?: Generator,
  ) {
    super();
    this.norm1 = child(this, 'norm1', new LayerNorm([dim]));
    this.attn = child(
      this,
      'attn',
      new ShiftedWindowAttentionV2(dim, window, shift, heads, cpbHidden, generator),
    );
    this.norm2 = child(this, 'norm2', new LayerNorm([dim]));
    // torchvision's MLP indices: 0 Linear, 1 GELU, 2 Dropout, 3 Linear, 4 Dropout (no dropout here)
    const mlp = new Sequential(
      new Linear(dim, 4 * dim, { generator }),
      new GELU(),
      new Sequential(),
      new Linear(4 * dim, dim, { generator }),
    );
    this.mlp = child(this, 'mlp', mlp);
  }

  override forward(x: Tensor): Tensor {
    const y = x.add(this.norm1.call(this.attn.call(x)));
    return y.add(this.norm2.call(this.mlp.call(y)));
  }
}

export class PatchMergingV2 extends Module {
  readonly reduction: Linear;
  readonly norm: LayerNorm;

  constructor(dim: number, generator?: Generator) {
    super();
    this.reduction = child(this, 'reduction', new Linear(4 * dim, 2 * dim, { bias: false, generator }));
    this.norm = child(this, 'norm', new LayerNorm([2 * dim]));
  }

  /** [B, H, W, C] -> [B, H/2, W/2, 2C]; torchvision's order of the 2x2 neighbours: (0,0), (1,0), (0,1), (1,1). */
  override forward(x: Tensor): Tensor {
    const [B, H, W, C] = x.shape;
    const g = x.reshape([B, H / 2, 2, W / 2, 2, C]);
    const part = (dy: number, dx: number) => g.select(2, dy).select(3, dx);
    const merged = cat([part(0, 0), part(1, 0), part(0, 1), part(1, 1)], -1);
    return this.norm.call(this.reduction.call(merged));
  }
}

export const swinV2Options = z.strictObject({
  ...baseModelOptions,
  patchSize: z.number().int().min(1).default(4),
  embedDim: z.number().int().min(1).default(96),
  depths: z.array(z.number().int().min(1)).min(1).default([2, 2, 6, 2]),
  heads: z.array(z.number().int().min(1)).min(1).default([3, 6, 12, 24]),
  window: z.number().int().min(1).default(8),
  /** Hidden units of the continuous position bias MLP (torchvision: 512). */
  cpbHidden: z.number().int().min(1).default(512),
});
export type SwinV2Options = z.output<typeof swinV2Options>;

/** features.0 patch embedding, features.1, 3, ... stages, features.2, 4, ... patch merging; norm; head. */
export class SwinTransformerV2 extends LensModel {
  readonly numFeatures: number;
  readonly features: Sequential;
  readonly norm: LayerNorm;
  readonly head: Linear;

  constructor(
    readonly opts: SwinV2Options,
    generator?: Generator,
  ) {
    super();
    this.generator = generator;
    const { depths, heads, patchSize: p, embedDim: E } = opts;
    if (heads.length !== depths.length)
      throw new ConfigError(
        `swinv2: ${depths.length} stages (depths) but ${heads.length} head counts`,
        'heads',
      );
    const layers: Module[] = [
      new Sequential(
        new Conv2d(opts.inChannels, E, p, { stride: p, generator }),
        new Sequential(), // torchvision's Permute (no parameters)
        new LayerNorm([E]),
      ),
    ];
    let size = Math.floor(opts.imageSize / p);
    depths.forEach((depth, i) => {
      const dim = E * 2 ** i;
      const w = Math.min(opts.window, size);
      if (size % w !== 0)
        throw new ConfigError(
          `swinv2: stage ${i} is ${size}x${size}, not a multiple of the window ${w} (change imageSize, patchSize or window)`,
          'window',
        );
      const blocks = Array.from(
        { length: depth },
        (_, b) =>
          new SwinBlockV2(
            dim,
            heads[i],
            w,
            b % 2 === 1 && w < size ? Math.floor(w / 2) : 0,
            opts.cpbHidden,
            generator,
          ),
      );
      layers.push(new Sequential(...blocks));
      if (i < depths.length - 1) {
        if (size % 2 !== 0)
          throw new ConfigError(
            `swinv2: stage ${i} is ${size}x${size}, odd: cannot merge patches (change imageSize or patchSize)`,
            'imageSize',
          );
        layers.push(new PatchMergingV2(dim, generator));
        size /= 2;
      }
    });
    this.features = child(this, 'features', new Sequential(...layers));
    this.numFeatures = E * 2 ** (depths.length - 1);
    this.norm = child(this, 'norm', new LayerNorm([this.numFeatures]));
    this.head = child(this, 'head', new Linear(this.numFeatures, 1, { generator }));
    // torchvision's initialisation: every Linear trunc-normal(0.02) with zero bias
    noGrad(() => {
      for (const m of this.modules())
        if (m instanceof Linear) {
          truncNormal_(m.weight, { std: 0.02, generator });
          m.bias?.zero_();
        }
    });
  }

  /** Pooled features [B, numFeatures] of images [B, C, H, W]. */
  forwardFeatures(x: Tensor): Tensor {
    const embed = this.features.at(0) as Sequential;
    let h = (embed.at(0) as Conv2d).call(x).permute(0, 2, 3, 1);
    h = (embed.at(2) as LayerNorm).call(h);
    for (let i = 1; i < this.features.length; i++) h = this.features.at(i).call(h);
    return this.norm.call(h).mean([1, 2]);
  }

  forwardHead(features: Tensor): Tensor {
    return this.head.call(features);
  }
}

export function swinV2(opts: SwinV2Options, generator?: Generator): SwinTransformerV2 {
  return new SwinTransformerV2(opts, generator);
}

import { LensfindError } from '../errors.js';
import { Linear, Module } from '../torch/nn/index.js';
import { xavierUniform_ } from '../torch/nn/init.js';
import { zeros } from '../torch/creation.js';
import { noGrad } from '../torch/autograd.js';
import * as F from '../torch/functional.js';
import type { Tensor } from '../torch/tensor.js';
import type { Generator } from '../torch/random.js';
import { child, initLinear_, param } from './common.js';

/**
 * Multi-head self-attention with nn.MultiheadAttention's parameter names (in_proj_weight [3E,E], in_proj_bias [3E],
 * out_proj.{weight,bias}), batch first. Written here rather than using nn.MultiheadAttention because the hybrid
 * model adds a bias to the attention scores (arc-aware attention), which needs the scores in the open.
 */
export class SelfAttention extends Module {
  readonly in_proj_weight: Tensor;
  readonly in_proj_bias: Tensor;
  readonly out_proj: Linear;
  readonly headDim: number;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    readonly attentionDropout = 0,
    private readonly owner: { generator?: Generator } = {},
  ) {
    super();
    if (embedDim % numHeads !== 0) {
      throw new LensfindError(
        'E_MODULE',
        `attention: hidden size ${embedDim} is not divisible by the number of heads ${numHeads}`,
      );
    }
    this.headDim = embedDim / numHeads;
    this.in_proj_weight = param(this, 'in_proj_weight', zeros([3 * embedDim, embedDim]));
    this.in_proj_bias = param(this, 'in_proj_bias', zeros([3 * embedDim]));
    this.out_proj = child(this, 'out_proj', new Linear(embedDim, embedDim, { generator: owner.generator }));
  }

  /** PyTorch's MultiheadAttention._reset_parameters: xavier_uniform in_proj, zero biases. */
  resetParameters(generator?: Generator): void {
    noGrad(() => {
      xavierUniform_(this.in_proj_weight, { generator });
      this.in_proj_bias.zero_();
      initLinear_(this.out_proj, generator);
      this.out_proj.bias!.zero_();
    });
  }

  /** x: [B, N, E]; scoreBias (optional): added to the scaled scores, broadcastable to [B, heads, N, N]. */
  override forward(x: Tensor, scoreBias?: Tensor): Tensor {
    const [b, n, e] = x.shape;
    const qkv = F.linear(x, this.in_proj_weight, this.in_proj_bias)
      .reshape(b, n, 3, this.numHeads, this.headDim)
      .permute(2, 0, 3, 1, 4); // [3, B, H, N, D]
    const [q, k, v] = [qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2)];
    let scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(this.headDim));
    if (scoreBias) scores = scores.add(scoreBias);
    let attn = F.softmax(scores, -1);
    if (this.attentionDropout > 0 && this.training) {
      attn = F.dropout(attn, this.attentionDropout, true, this.owner.generator);
    }
    const out = attn.matmul(v).transpose(1, 2).reshape(b, n, e);
    return this.out_proj.call(out);
  }
}

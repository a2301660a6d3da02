import { LensfindError } from '../../errors.js';
import type { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import * as F from '../functional.js';
import { Module } from './module.js';
import { Linear } from './linear.js';
import { constant_, xavierUniform_ } from './init.js';
import type { FactoryOptions } from './options.js';

export interface AttentionCallOptions {
  /** [N, S] bool, true where a key is padding and must be ignored. */
  keyPaddingMask?: Tensor;
  /** [L, S] or [N * heads, L, S]: bool (true = not allowed to attend) or float (added to the scores). */
  attnMask?: Tensor;
}

/**
 * PyTorch's nn.MultiheadAttention with its parameter names (in_proj_weight [3E, E], in_proj_bias [3E],
 * out_proj.weight, out_proj.bias) and initialisation; inputs [N, L, E] when batchFirst (the default here),
 * [L, N, E] otherwise. `forward` returns the attention output; `forwardWithWeights` also the head-averaged weights.
 */
export class MultiheadAttention extends Module {
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly out_proj: Linear;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    opts: FactoryOptions & { dropout?: number; bias?: boolean; batchFirst?: boolean } = {},
  ) {
    super();
    if (embedDim % numHeads !== 0) {
      throw new LensfindError(
        'E_MODULE',
        `MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`,
      );
    }
    this.headDim = embedDim / numHeads;
    this.dropout = opts.dropout ?? 0;
    this.batchFirst = opts.batchFirst ?? true;
    const bias = opts.bias ?? true;
    const t = { dtype: opts.dtype, device: opts.device };
    this.registerParameter('in_proj_weight', zeros([3 * embedDim, embedDim], t));
    this.registerParameter('in_proj_bias', bias ? zeros([3 * embedDim], t) : null);
    this.out_proj = this.registerModule('out_proj', new Linear(embedDim, embedDim, { ...opts, bias }));
    // PyTorch's _reset_parameters: xavier_uniform in_proj, zero biases (out_proj.weight keeps Linear's init).
    xavierUniform_(this.inProjWeight, { generator: opts.generator });
    if (this.inProjBias) constant_(this.inProjBias, 0);
    if (this.out_proj.bias) constant_(this.out_proj.bias, 0);
  }

  get inProjWeight(): Tensor {
    return this._parameters.get('in_proj_weight')!;
  }

  get inProjBias(): Tensor | null {
    return this._parameters.get('in_proj_bias') ?? null;
  }

  override forward(
    query: Tensor,
    key: Tensor = query,
    value: Tensor = key,
    opts: AttentionCallOptions = {},
  ): Tensor {
    return this.attend(query, key, value, opts, false).output;
  }

  forwardWithWeights(
    query: Tensor,
    key: Tensor = query,
    value: Tensor = key,
    opts: AttentionCallOptions = {},
  ): { output: Tensor; weights: Tensor } {
    const r = this.attend(query, key, value, opts, true);
    return { output: r.output, weights: r.weights! };
  }

  private attend(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    opts: AttentionCallOptions,
    needWeights: boolean,
  ): { output: Tensor; weights?: Tensor } {
    const E = this.embedDim;
    const H = this.numHeads;
    const D = this.headDim;
    if (!this.batchFirst) {
      query = query.transpose(0, 1);
      key = key.transpose(0, 1);
      value = value.transpose(0, 1);
    }
    const [N, L] = query.shape;
    const S = key.shape[1];
    const w = this.inProjWeight;
    const b = this.inProjBias;
    const project = (x: Tensor, i: number, len: number) =>
      F.linear(x, w.narrow(0, i * E, E), b ? b.narrow(0, i * E, E) : undefined)
        .reshape(N, len, H, D)
        .transpose(1, 2); // [N, H, len, D]
    const q = project(query, 0, L).div(Math.sqrt(D));
    const k = project(key, 1, S);
    const v = project(value, 2, S);
    let scores = q.matmul(k.transpose(-2, -1)); // [N, H, L, S]
    if (opts.attnMask) {
      const m = opts.attnMask.ndim === 3 ? opts.attnMask.reshape(N, H, L, S) : opts.attnMask;
      scores = m.dtype === 'bool' ? scores.maskedFill(m, -Infinity) : scores.add(m);
    }
    if (opts.keyPaddingMask) {
      const m = opts.keyPaddingMask.reshape(N, 1, 1, S);
      scores = m.dtype === 'bool' ? scores.maskedFill(m, -Infinity) : scores.add(m);
    }
    let attn = F.softmax(scores, -1);
    if (this.training && this.dropout > 0) attn = F.dropout(attn, this.dropout, true);
    let output = this.out_proj.forward(attn.matmul(v).transpose(1, 2).reshape(N, L, E));
    if (!this.batchFirst) output = output.transpose(0, 1);
    return { output, weights: needWeights ? attn.mean(1) : undefined };
  }
}

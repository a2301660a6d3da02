/**
 * MADE (Germain et al. 2015): a masked MLP whose output for dimension i depends only on the inputs that come
 * before i in an order, plus an unmasked context (Papamakarios et al. 2017, conditional MAF). Inputs have degrees
 * 1..D in `order`; hidden unit k has degree (k mod (D - 1)) + 1; a connection into a hidden unit needs
 * degree_in <= degree_hidden, into an output degree_out > degree_hidden. Outputs come as `perDim` blocks of D
 * (block p, dimension i at p * D + i), each block with the inputs' degrees.
 */
import { Linear, Module, ModuleList } from '../../torch/nn/index.js';
import { noGrad } from '../../torch/autograd.js';
import { fromTypedArray } from '../../torch/creation.js';
import * as F from '../../torch/functional.js';
import type { Tensor } from '../../torch/tensor.js';
import type { Generator } from '../../torch/random.js';
import { child } from '../../models/common.js';

/** A Linear whose weight is multiplied by a fixed 0/1 mask [out, in] (a buffer, not saved). */
export class MaskedLinear extends Linear {
  constructor(mask: Float32Array, inFeatures: number, outFeatures: number, generator?: Generator) {
    super(inFeatures, outFeatures, { generator });
    this.registerBuffer('mask', fromTypedArray(mask, [outFeatures, inFeatures]), false);
  }

  get mask(): Tensor {
    return this._buffers.get('mask')!;
  }

  override forward(x: Tensor): Tensor {
    return F.linear(x, this.weight.mul(this.mask), this.bias ?? undefined);
  }
}

function maskOf(outDeg: Int32Array, inDeg: Int32Array, strict: boolean): Float32Array {
  const m = new Float32Array(outDeg.length * inDeg.length);
  for (let o = 0; o < outDeg.length; o++)
    for (let i = 0; i < inDeg.length; i++)
      m[o * inDeg.length + i] = (strict ? outDeg[o] > inDeg[i] : outDeg[o] >= inDeg[i]) ? 1 : 0;
  return m;
}

export interface MadeOptions {
  dim: number;
  contextDim: number;
  hidden: number;
  /** Hidden layers (>= 1). */
  layers: number;
  /** Outputs per dimension. */
  perDim: number;
  /** The autoregressive order: order[k] is the dimension with degree k + 1 (default 0..D-1). */
  order?: readonly number[];
  generator?: Generator;
}

export class MADE extends Module {
  readonly input: MaskedLinear;
  readonly context: Linear | null;
  readonly hiddenLayers: ModuleList;
  readonly output: MaskedLinear;
  readonly perDim: number;
  readonly dim: number;

  constructor(opts: MadeOptions) {
    super();
    const { dim: D, hidden: H, perDim, generator } = opts;
    this.dim = D;
    this.perDim = perDim;
    const order = opts.order ?? Array.from({ length: D }, (_, i) => i);
    const inDeg = new Int32Array(D);
    order.forEach((d, k) => (inDeg[d] = k + 1));
    const hidDeg = Int32Array.from({ length: H }, (_, k) => (k % Math.max(1, D - 1)) + 1);
    const outDeg = Int32Array.from({ length: perDim * D }, (_, j) => inDeg[j % D]);
    this.input = child(this, 'input', new MaskedLinear(maskOf(hidDeg, inDeg, false), D, H, generator));
    this.context =
      opts.contextDim > 0
        ? child(this, 'context', new Linear(opts.contextDim, H, { bias: false, generator }))
        : null;
    const hiddenMask = maskOf(hidDeg, hidDeg, false);
    this.hiddenLayers = child(
      this,
      'hidden',
      new ModuleList(
        Array.from({ length: opts.layers - 1 }, () => new MaskedLinear(hiddenMask, H, H, generator)),
      ),
    );
    this.output = child(
      this,
      'output',
      new MaskedLinear(maskOf(outDeg, hidDeg, true), H, perDim * D, generator),
    );
    // start near the identity transform: tiny output weights, zero bias
    noGrad(() => {
      this.output.weight.mul_(1e-2);
      this.output.bias?.zero_();
    });
  }

  /** The context's contribution to the first hidden layer, [B, H] (computed once per context when sampling). */
  contextTerm(context: Tensor): Tensor | null {
    return this.context ? this.context.call(context) : null;
  }

  /** Outputs [B, perDim, D] for z [B, D] and a context term [B, H] from contextTerm (or null). */
  forwardWith(z: Tensor, ctxTerm: Tensor | null): Tensor {
    let h = this.input.call(z);
    if (ctxTerm) h = h.add(ctxTerm);
    h = F.relu(h);
    for (const layer of this.hiddenLayers) h = F.relu((layer as MaskedLinear).call(h));
    return this.output.call(h).reshape([-1, this.perDim, this.dim]);
  }
}

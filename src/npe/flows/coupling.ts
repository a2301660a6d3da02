/**
 * Coupling flows (Dinh et al. 2017, RealNVP; Durkan et al. 2019, "Neural Spline Flows"): each layer keeps a subset
 * A of the dimensions and transforms the rest, B, elementwise with parameters from an MLP of (z_A, c). Density and
 * sampling both take ONE conditioner pass per layer (a MAF samples with D passes per layer), which is what makes
 * posterior draws cheap.
 *
 * Masks: layer pair k splits the dimensions by bit (k mod ceil(log2 D)) of their index, layer 2k transforms the
 * dimensions with that bit set given the others and layer 2k + 1 the reverse, so every dimension is transformed
 * every two layers and every pair of dimensions lands on opposite sides in some pair of layers.
 *
 * Sampling many draws per context computes each conditioner's context term once per context, not once per draw
 * (`sample` broadcasts it over the draws). Affine layers sample in the parameter-major layout z [D, rows]
 * (`sampleByParameter`): each parameter's draws are one contiguous row, so the conditioner is two matrix products
 * and the transform a few contiguous in-place ops, where the row-major layout spends most of its time in strided
 * elementwise ops and column gathers (10-23% less CPU per draw at 1 thread for 8 and 64 galaxies of 1,000 draws).
 */
import { Linear, ModuleList, Module } from '../../torch/nn/index.js';
import { noGrad } from '../../torch/autograd.js';
import { fromTypedArray } from '../../torch/creation.js';
import { cat } from '../../torch/ops.js';
import * as F from '../../torch/functional.js';
import type { Tensor } from '../../torch/tensor.js';
import { randn, type Generator } from '../../torch/random.js';
import { child } from '../../models/common.js';
import { LayeredFlow, softClamp, type AutoregressiveOptions, type MafOptions } from './maf.js';
import { splineForward, splineInverse } from './spline.js';

/** The kept (A) and transformed (B) dimensions of coupling layer `layer` over D dimensions. */
export function couplingMask(D: number, layer: number): { keep: number[]; change: number[] } {
  if (D < 2) return { keep: [], change: Array.from({ length: D }, (_, i) => i) };
  const bits = Math.max(1, Math.ceil(Math.log2(D)));
  const bit = Math.floor(layer / 2) % bits;
  const set = (i: number) => ((i >> bit) & 1) === 1;
  const on = Array.from({ length: D }, (_, i) => i).filter(set);
  const off = Array.from({ length: D }, (_, i) => i).filter((i) => !set(i));
  return layer % 2 === 0 ? { keep: off, change: on } : { keep: on, change: off };
}

/** A coupling layer takes the options of an autoregressive one; the split comes from its index, not `reverse`. */
export type CouplingOptions = Omit<AutoregressiveOptions, 'reverse'>;

/**
 * A context term of a conditioner: [B, H] per context, or the same per context with `draws` rows per context
 * ([B, 1, H], broadcast over [B, draws, H]).
 */
interface ContextTerm {
  t: Tensor;
  draws: number;
}

/** One coupling layer: y_B = τ(z_B; θ(z_A, c)), y_A = z_A. */
export class CouplingLayer extends Module {
  readonly keep: number[];
  readonly change: number[];
  readonly input: Linear | null;
  readonly context: Linear;
  readonly hiddenLayers: ModuleList;
  readonly output: Linear;
  private readonly perDim: number;

  constructor(
    readonly opts: CouplingOptions,
    layer: number,
  ) {
    super();
    const { dim: D, hidden: H, generator } = opts;
    ({ keep: this.keep, change: this.change } = couplingMask(D, layer));
    this.perDim = opts.transform === 'affine' ? 2 : 3 * opts.bins - 1;
    this.input = this.keep.length
      ? child(this, 'input', new Linear(this.keep.length, H, { generator }))
      : null;
    this.context = child(this, 'context', new Linear(opts.contextDim, H, { bias: !this.input, generator }));
    this.hiddenLayers = child(
      this,
      'hidden',
      new ModuleList(Array.from({ length: opts.blocks - 1 }, () => new Linear(H, H, { generator }))),
    );
    this.output = child(this, 'output', new Linear(H, this.perDim * this.change.length, { generator }));
    this.registerBuffer('keep_index', indexTensor(this.keep), false);
    this.registerBuffer('change_index', indexTensor(this.change), false);
    // the inverse of the permutation [keep, change]: puts the columns back in order
    const order = [...this.keep, ...this.change];
    this.registerBuffer('unpermute', indexTensor(order.map((_, i) => order.indexOf(i))), false);
    // start near the identity: tiny output weights, zero bias
    noGrad(() => {
      this.output.weight.mul_(1e-2);
      this.output.bias?.zero_();
    });
  }

  contextTerm(context: Tensor, draws = 0): ContextTerm {
    const t = this.context.call(context);
    return { t: draws > 0 ? t.unsqueeze(1) : t, draws };
  }

  /** Transform parameters [N, perDim, |B|] of z [N, D]. */
  private params(z: Tensor, ctx: ContextTerm): Tensor {
    let h: Tensor;
    if (!this.input) {
      h = ctx.draws > 0 ? ctx.t.expand([ctx.t.shape[0], ctx.draws, ctx.t.shape[2]]) : ctx.t;
      h = h.reshape([-1, h.shape[h.ndim - 1]]);
    } else {
      const zk = z.indexSelect(1, this.getBuffer('keep_index')!);
      h = this.input.call(zk);
      if (ctx.draws > 0) {
        // sampling (no autograd): in place, so the large hidden tensors are allocated once per layer
        h.reshape([-1, ctx.draws, h.shape[1]]).add_(ctx.t);
        h.relu_();
      } else h = F.relu(h.add(ctx.t));
    }
    if (!this.input) h = F.relu(h);
    for (const layer of this.hiddenLayers) h = F.relu((layer as Linear).call(h));
    return this.output.call(h).reshape([-1, this.perDim, this.change.length]);
  }

  /** Whether `inverseByParameter` applies: an affine transform that keeps at least one dimension. */
  get samplesByParameter(): boolean {
    return this.opts.transform === 'affine' && this.input !== null;
  }

  /** The context term [H, B, 1] for `inverseByParameter`, with the input layer's bias folded in. */
  contextTermByParameter(context: Tensor): Tensor {
    const t = this.context.call(context);
    return (this.input?.bias ? t.add(this.input.bias) : t).t().unsqueeze(2);
  }

  /**
   * y -> z in the parameter-major layout (sampling, no autograd): y [D, B·draws] to z [D, B·draws] under the context
   * term [H, B, 1] of `contextTermByParameter`. The same arithmetic as `transform(.., true)` of an affine layer.
   */
  inverseByParameter(y: Tensor, ctx: Tensor): Tensor {
    const [H, B] = ctx.shape;
    const kept = y.indexSelect(0, this.getBuffer('keep_index')!);
    let h = this.input!.weight.mm(kept);
    h.reshape([H, B, -1]).add_(ctx);
    h.relu_();
    for (const layer of this.hiddenLayers) {
      const linear = layer as Linear;
      h = linear.weight.mm(h);
      if (linear.bias) h.add_(linear.bias.unsqueeze(1));
      h.relu_();
    }
    // output rows: the shifts m of the changed dimensions, then their log-scales a
    const nb = this.change.length;
    const { weight, bias } = this.output;
    const m = weight.narrow(0, 0, nb).mm(h);
    const a = weight.narrow(0, nb, nb).mm(h);
    if (bias) {
      m.add_(bias.narrow(0, 0, nb).unsqueeze(1));
      a.add_(bias.narrow(0, nb, nb).unsqueeze(1));
    }
    // softClamp(a, 3), then exp, in place
    a.div_(3);
    a.tanh_();
    a.mul_(3);
    a.exp_();
    m.addcmul_(y.indexSelect(0, this.getBuffer('change_index')!), a);
    return cat([kept, m], 0).indexSelect(0, this.getBuffer('unpermute')!);
  }

  /** z -> y (inverse = false, the density direction) or y -> z, with log |det| of the direction taken [N]. */
  transform(x: Tensor, ctx: ContextTerm, inverse: boolean): { y: Tensor; logDet: Tensor } {
    const p = this.params(x, ctx);
    const xb = x.indexSelect(1, this.getBuffer('change_index')!);
    let yb: Tensor, logDet: Tensor;
    if (this.opts.transform === 'affine') {
      const m = p.select(1, 0),
        a = softClamp(p.select(1, 1), 3);
      yb = inverse ? xb.mul(a.exp()).add(m) : xb.sub(m).mul(a.neg().exp());
      logDet = inverse ? a.sum(1) : a.sum(1).neg();
    } else {
      const K = this.opts.bins;
      const sp = {
        widths: p.narrow(1, 0, K),
        heights: p.narrow(1, K, K),
        derivatives: p.narrow(1, 2 * K, K - 1),
      };
      if (inverse) {
        const r = splineInverse(xb, sp, this.opts.bound);
        yb = r.x;
        logDet = r.logDet.sum(1);
      } else {
        const r = splineForward(xb, sp, this.opts.bound);
        yb = r.y;
        logDet = r.logDet.sum(1);
      }
    }
    const parts = this.keep.length ? [x.indexSelect(1, this.getBuffer('keep_index')!), yb] : [yb];
    return { y: cat(parts, 1).indexSelect(1, this.getBuffer('unpermute')!), logDet };
  }
}

function indexTensor(ix: readonly number[]): Tensor {
  return fromTypedArray(BigInt64Array.from(ix.map(BigInt)), [ix.length]);
}

/** A coupling flow's options: a MAF's (the layer count and each layer's options). */
export type CouplingFlowOptions = MafOptions;

/** A conditional affine map (as the MAF's first layer), then L coupling layers. */
export class CouplingFlow extends LayeredFlow<CouplingLayer> {
  constructor(opts: CouplingFlowOptions) {
    super(opts, (options, l) => new CouplingLayer(options, l));
  }

  toBase(z: Tensor, context: Tensor): { u: Tensor; logDet: Tensor } {
    let { u, logDet } = this.affine.forward(z, context);
    for (const step of this.layers()) {
      const r = step.transform(u, step.contextTerm(context), false);
      u = r.y;
      logDet = logDet.add(r.logDet);
    }
    return { u, logDet };
  }

  inverse(u: Tensor, context: Tensor): Tensor {
    const steps = this.layers();
    let z = u;
    for (let l = steps.length - 1; l >= 0; l--)
      z = steps[l].transform(z, steps[l].contextTerm(context), true).y;
    return this.affine.inverse(z, context);
  }

  /** n draws per context [B, n, D], with every context term computed once per context. */
  override sample(context: Tensor, n: number, generator?: Generator): Tensor {
    const [B] = context.shape;
    const D = this.dim;
    const steps = this.layers();
    if (steps.every((s) => s.samplesByParameter))
      return this.sampleByParameter(context, n, generator).t().reshape([B, n, D]);
    let z = randn([B * n, D], { generator, dtype: context.dtype });
    for (let l = steps.length - 1; l >= 0; l--)
      z = steps[l].transform(z, steps[l].contextTerm(context, n), true).y;
    const { m, a } = this.affine.params(context);
    return z.reshape([B, n, D]).mul(a.exp().unsqueeze(1)).add(m.unsqueeze(1));
  }

  /** n draws per context in the parameter-major layout [D, B·n] (draws of context b in columns b·n to b·n + n - 1). */
  override sampleByParameter(context: Tensor, n: number, generator?: Generator): Tensor {
    const steps = this.layers();
    if (!steps.every((s) => s.samplesByParameter)) return super.sampleByParameter(context, n, generator);
    const [B] = context.shape;
    const D = this.dim;
    // the same base draws as the row-major path
    let z = randn([B * n, D], { generator, dtype: context.dtype })
      .t()
      .contiguous();
    for (let l = steps.length - 1; l >= 0; l--)
      z = steps[l].inverseByParameter(z, steps[l].contextTermByParameter(context));
    const { m, a } = this.affine.params(context);
    const z3 = z.reshape([D, B, n]);
    z3.mul_(a.exp().t().unsqueeze(2));
    z3.add_(m.t().unsqueeze(2));
    return z;
  }
}

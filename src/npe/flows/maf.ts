/**
 * Conditional flows over z in R^D (the unconstrained Sérsic parameters):
 * - `DiagonalGaussian`: z = mu(c) + sigma(c) u, the baseline (one conditional elementwise affine map);
 * - `MAF`: masked autoregressive flow (Papamakarios et al. 2017): that same conditional affine map, then L MADE
 *   layers, each an elementwise transform of z_i whose parameters depend on z_<i (in an order that reverses from
 *   one layer to the next) and on c: affine (u_i = (z_i - m_i) exp(-a_i)), or a rational-quadratic spline
 *   (`transform: 'spline'`: the autoregressive neural spline flow of Durkan et al. 2019).
 * The density direction (z -> u, training) takes one pass per layer; sampling inverts each layer with D passes.
 */
import { Linear, ModuleList, Module } from '../../torch/nn/index.js';
import { noGrad } from '../../torch/autograd.js';
import type { Tensor } from '../../torch/tensor.js';
import type { Generator } from '../../torch/random.js';
import { child } from '../../models/common.js';
import { ConditionalFlow } from './flow.js';
import { MADE } from './made.js';
import { splineForward, splineInverse } from './spline.js';

/** a -> A tanh(a / A): log-scales bounded by ±A, identity near 0. */
export function softClamp(a: Tensor, A: number): Tensor {
  return a.div(A).tanh().mul(A);
}

/** u = (z - m(c)) exp(-a(c)) elementwise; the parameters come from the context alone. */
export class ConditionalAffine extends Module {
  readonly linear: Linear;

  constructor(
    readonly dim: number,
    contextDim: number,
    generator?: Generator,
    /** Bound on |log scale| (e^8 ≈ 3000). */
    readonly maxLogScale = 8,
  ) {
    super();
    this.linear = child(this, 'linear', new Linear(contextDim, 2 * dim, { generator }));
    noGrad(() => {
      this.linear.weight.mul_(1e-2);
      this.linear.bias?.zero_();
    });
  }

  params(context: Tensor): { m: Tensor; a: Tensor } {
    const p = this.linear.call(context);
    return { m: p.narrow(1, 0, this.dim), a: softClamp(p.narrow(1, this.dim, this.dim), this.maxLogScale) };
  }

  override forward(z: Tensor, context: Tensor): { u: Tensor; logDet: Tensor } {
    const { m, a } = this.params(context);
    return { u: z.sub(m).mul(a.neg().exp()), logDet: a.sum(1).neg() };
  }

  inverse(u: Tensor, context: Tensor): Tensor {
    const { m, a } = this.params(context);
    return u.mul(a.exp()).add(m);
  }
}

export interface AutoregressiveOptions {
  dim: number;
  contextDim: number;
  hidden: number;
  /** Hidden layers of each MADE. */
  blocks: number;
  transform: 'affine' | 'spline';
  /** Spline bins. */
  bins: number;
  /** Spline interval [-bound, bound] (identity outside). */
  bound: number;
  reverse: boolean;
  generator?: Generator;
}

/** One MADE layer of the flow: z -> u elementwise, parameters from z_<i and c. */
export class AutoregressiveLayer extends Module {
  readonly made: MADE;

  constructor(readonly opts: AutoregressiveOptions) {
    super();
    const { dim: D } = opts;
    const order = Array.from({ length: D }, (_, i) => (opts.reverse ? D - 1 - i : i));
    const perDim = opts.transform === 'affine' ? 2 : 3 * opts.bins - 1;
    this.made = child(
      this,
      'made',
      new MADE({
        dim: D,
        contextDim: opts.contextDim,
        hidden: opts.hidden,
        layers: opts.blocks,
        perDim,
        order,
        generator: opts.generator,
      }),
    );
  }

  private transform(x: Tensor, params: Tensor, inverse: boolean): { y: Tensor; logDet: Tensor } {
    const { transform, bins: K, bound } = this.opts;
    if (transform === 'affine') {
      const m = params.select(1, 0),
        a = softClamp(params.select(1, 1), 3);
      return inverse
        ? { y: x.mul(a.exp()).add(m), logDet: a.sum(1) }
        : { y: x.sub(m).mul(a.neg().exp()), logDet: a.sum(1).neg() };
    }
    const sp = {
      widths: params.narrow(1, 0, K),
      heights: params.narrow(1, K, K),
      derivatives: params.narrow(1, 2 * K, K - 1),
    };
    if (inverse) {
      const r = splineInverse(x, sp, bound);
      return { y: r.x, logDet: r.logDet.sum(1) };
    }
    const r = splineForward(x, sp, bound);
    return { y: r.y, logDet: r.logDet.sum(1) };
  }

  override forward(z: Tensor, context: Tensor): { u: Tensor; logDet: Tensor } {
    const params = this.made.forwardWith(z, this.made.contextTerm(context));
    const { y, logDet } = this.transform(z, params, false);
    return { u: y, logDet };
  }

  /** z from u: D passes (after pass k the k first dimensions of the order are exact). */
  inverse(u: Tensor, context: Tensor): Tensor {
    const ctx = this.made.contextTerm(context);
    let z = u;
    for (let k = 0; k < this.opts.dim; k++) {
      const params = this.made.forwardWith(z, ctx);
      z = this.transform(u, params, true).y;
    }
    return z;
  }
}

/** The diagonal Gaussian posterior: z ~ N(m(c), diag(exp(2 a(c)))). */
export class DiagonalGaussian extends ConditionalFlow {
  readonly affine: ConditionalAffine;

  constructor(dim: number, contextDim: number, generator?: Generator) {
    super(dim, contextDim);
    this.affine = child(this, 'affine', new ConditionalAffine(dim, contextDim, generator));
  }

  toBase(z: Tensor, context: Tensor): { u: Tensor; logDet: Tensor } {
    return this.affine.forward(z, context);
  }

  inverse(u: Tensor, context: Tensor): Tensor {
    return this.affine.inverse(u, context);
  }
}

export interface MafOptions {
  dim: number;
  contextDim: number;
  /** MADE layers. */
  layers: number;
  hidden: number;
  /** Hidden layers per MADE (default 2). */
  blocks?: number;
  transform?: 'affine' | 'spline';
  bins?: number;
  bound?: number;
  generator?: Generator;
}

/**
 * A conditional affine map, then `opts.layers` flow layers made by `layer(options, l)`: the shape MAF and the
 * coupling flow share, their checkpoint keys (`affine`, `steps.<l>`) in one place. Unset layer options default to
 * 2 hidden blocks, an affine transform, and 8 spline bins on [-4, 4].
 */
export abstract class LayeredFlow<L extends Module> extends ConditionalFlow {
  readonly affine: ConditionalAffine;
  readonly steps: ModuleList;

  constructor(opts: MafOptions, layer: (options: Omit<AutoregressiveOptions, 'reverse'>, l: number) => L) {
    super(opts.dim, opts.contextDim);
    this.affine = child(this, 'affine', new ConditionalAffine(opts.dim, opts.contextDim, opts.generator));
    const options = {
      dim: opts.dim,
      contextDim: opts.contextDim,
      hidden: opts.hidden,
      blocks: opts.blocks ?? 2,
      transform: opts.transform ?? 'affine',
      bins: opts.bins ?? 8,
      bound: opts.bound ?? 4,
      generator: opts.generator,
    };
    this.steps = child(
      this,
      'steps',
      new ModuleList(Array.from({ length: opts.layers }, (_, l) => layer(options, l))),
    );
  }

  /** The flow layers, in the density direction. */
  protected layers(): L[] {
    return [...this.steps] as L[];
  }
}

export class MAF extends LayeredFlow<AutoregressiveLayer> {
  constructor(opts: MafOptions) {
    // the MADE order reverses from one layer to the next
    super(opts, (options, l) => new AutoregressiveLayer({ ...options, reverse: l % 2 === 1 }));
  }

  toBase(z: Tensor, context: Tensor): { u: Tensor; logDet: Tensor } {
    let { u, logDet } = this.affine.forward(z, context);
    for (const step of this.layers()) {
      const r = step.forward(u, context);
      u = r.u;
      logDet = logDet.add(r.logDet);
    }
    return { u, logDet };
  }

  inverse(u: Tensor, context: Tensor): Tensor {
    const steps = this.layers();
    let z = u;
    for (let l = steps.length - 1; l >= 0; l--) z = steps[l].inverse(z, context);
    return this.affine.inverse(z, context);
  }
}

/**
 * Monotonic rational-quadratic splines (Durkan et al. 2019, "Neural Spline Flows", eqs. 4-8 and appendix A): K bins
 * on [-B, B] with knots from softmax-normalised widths and heights, positive derivatives at the interior knots and
 * slope 1 at the ends, identity outside [-B, B] (linear tails). Elementwise on tensors [N, D] with per-element
 * parameters [N, K, D] (widths, heights) and [N, K - 1, D] (interior derivatives), as the flows' MADE gives them.
 */
import * as F from '../../torch/functional.js';
import type { Tensor } from '../../torch/tensor.js';
import { cat, where } from '../../torch/ops.js';
import { full } from '../../torch/creation.js';

export const MIN_BIN = 1e-3;
export const MIN_DERIVATIVE = 1e-3;

export interface SplineParams {
  /** Unnormalised widths [N, K, D]. */
  widths: Tensor;
  /** Unnormalised heights [N, K, D]. */
  heights: Tensor;
  /** Unconstrained interior derivatives [N, K - 1, D]. */
  derivatives: Tensor;
}

/** Knot positions [N, K + 1, D] from -B to B (the ends exactly) and bin sizes [N, K, D]. */
function knots(raw: Tensor, bound: number): { at: Tensor; size: Tensor } {
  const [N, K, D] = raw.shape;
  const frac = F.softmax(raw, 1)
    .mul(1 - MIN_BIN * K)
    .add(MIN_BIN);
  const inner = frac
    .cumsum(1)
    .narrow(1, 0, K - 1)
    .mul(2 * bound)
    .sub(bound);
  const at = cat(
    [full([N, 1, D], -bound, { dtype: raw.dtype }), inner, full([N, 1, D], bound, { dtype: raw.dtype })],
    1,
  );
  return { at, size: at.narrow(1, 1, K).sub(at.narrow(1, 0, K)) };
}

/** Derivatives at all K + 1 knots [N, K + 1, D]: 1 at the ends, softplus + minimum inside. */
function knotDerivatives(raw: Tensor): Tensor {
  const [N, , D] = raw.shape;
  const one = full([N, 1, D], 1, { dtype: raw.dtype });
  return cat([one, F.softplus(raw).add(MIN_DERIVATIVE), one], 1);
}

/** Index [N, 1, D] of the bin of x [N, D] among the knots [N, K + 1, D] (x clamped into [-B, B]). */
function binIndex(x: Tensor, at: Tensor): Tensor {
  const K = at.shape[1] - 1;
  const interior = at.narrow(1, 1, K - 1); // [N, K - 1, D]
  return x.unsqueeze(1).ge(interior).sum(1, true); // int64 [N, 1, D] in 0..K-1
}

function pick(t: Tensor, idx: Tensor): Tensor {
  return t.gather(1, idx).squeeze(1);
}

interface Bin {
  xk: Tensor;
  wk: Tensor;
  yk: Tensor;
  hk: Tensor;
  dk: Tensor;
  dk1: Tensor;
  sk: Tensor;
}

function bin(p: SplineParams, bound: number, value: Tensor, byY: boolean): Bin {
  const xs = knots(p.widths, bound);
  const ys = knots(p.heights, bound);
  const d = knotDerivatives(p.derivatives);
  const idx = binIndex(value, byY ? ys.at : xs.at);
  const xk = pick(xs.at, idx),
    wk = pick(xs.size, idx),
    yk = pick(ys.at, idx),
    hk = pick(ys.size, idx),
    dk = pick(d, idx),
    dk1 = pick(d, idx.add(1));
  return { xk, wk, yk, hk, dk, dk1, sk: hk.div(wk) };
}

/** y = RQS(x) and log |dy/dx| elementwise ([N, D] each). */
export function splineForward(x: Tensor, p: SplineParams, bound: number): { y: Tensor; logDet: Tensor } {
  const inside = x.abs().le(bound);
  const xc = x.clamp(-bound, bound);
  const { xk, wk, yk, hk, dk, dk1, sk } = bin(p, bound, xc, false);
  const xi = xc.sub(xk).div(wk).clamp(0, 1);
  const xi1 = xi.mul(xi.neg().add(1)); // xi (1 - xi)
  const num = hk.mul(sk.mul(xi.square()).add(dk.mul(xi1)));
  const den = sk.add(dk1.add(dk).sub(sk.mul(2)).mul(xi1));
  const y = yk.add(num.div(den));
  const dnum = sk.square().mul(
    dk1
      .mul(xi.square())
      .add(sk.mul(2).mul(xi1))
      .add(dk.mul(xi.neg().add(1).square())),
  );
  const logDet = dnum.log().sub(den.log().mul(2));
  return { y: where(inside, y, x), logDet: where(inside, logDet, 0) };
}

/** x = RQS^-1(y) and log |dx/dy| elementwise. */
export function splineInverse(y: Tensor, p: SplineParams, bound: number): { x: Tensor; logDet: Tensor } {
  const inside = y.abs().le(bound);
  const yc = y.clamp(-bound, bound);
  const { xk, wk, yk, hk, dk, dk1, sk } = bin(p, bound, yc, true);
  const dy = yc.sub(yk);
  const t = dk1.add(dk).sub(sk.mul(2));
  const a = hk.mul(sk.sub(dk)).add(dy.mul(t));
  const b = hk.mul(dk).sub(dy.mul(t));
  const c = sk.neg().mul(dy);
  const disc = b.square().sub(a.mul(c).mul(4)).clamp(0);
  const xi = c.mul(2).div(b.neg().sub(disc.sqrt())).clamp(0, 1);
  const x = xi.mul(wk).add(xk);
  const xi1 = xi.mul(xi.neg().add(1));
  const den = sk.add(t.mul(xi1));
  const dnum = sk.square().mul(
    dk1
      .mul(xi.square())
      .add(sk.mul(2).mul(xi1))
      .add(dk.mul(xi.neg().add(1).square())),
  );
  const logDet = den.log().mul(2).sub(dnum.log());
  return { x: where(inside, x, y), logDet: where(inside, logDet, 0) };
}

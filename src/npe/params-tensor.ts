/**
 * `ParamSpace.fromZRows` on the engine: the map from the flow's unconstrained z to the physical parameters for
 * many draws at once (libtorch's vectorised sigmoid, exp, tanh, atan2 on all cores instead of a JS loop per
 * value), the same formulas in float32 (params.ts documents them). Posterior sampling calls it on the flow's
 * output before it leaves the engine.
 */
import { cat, where } from '../torch/ops.js';
import type { Tensor } from '../torch/tensor.js';
import { fromTypedArray } from '../torch/creation.js';
import type { ParamSpace } from './params.js';

const DEG = Math.PI / 180;

/**
 * Physical rows [N, D] of z [N, D] (phi in degrees in [0, 180)); with `axis` 0, physical columns [D, N] of z [D, N]
 * (the parameter-major layout of `sampleByParameter`, where every parameter's values are contiguous).
 */
export function fromZTensor(space: ParamSpace, z: Tensor, axis: 0 | 1 = 1): Tensor {
  const { scalars, qIndex, qMin } = space.layout();
  // the scalars in two groups, linear and log, each mapped by a few in-place ops on all its rows at once (one op
  // per parameter and step costs more in dispatch than in arithmetic at ~10k draws)
  const parts: Tensor[] = [];
  const order: number[] = [];
  for (const log of [false, true]) {
    const group = scalars.filter((s) => s.log === log);
    if (!group.length) continue;
    const column = (v: number[]) =>
      fromTypedArray(Float32Array.from(v), axis === 0 ? [v.length, 1] : [1, v.length]);
    const g = z
      .indexSelect(
        axis,
        fromTypedArray(BigInt64Array.from(group.map((s) => BigInt(s.index))), [group.length]),
      )
      .sigmoid_()
      .mul_(column(group.map((s) => s.span)))
      .add_(column(group.map((s) => s.g0)));
    if (log) g.exp_();
    parts.push(g.maximum(column(group.map((s) => s.lo))).minimum(column(group.map((s) => s.hi))));
    order.push(...group.map((s) => s.index));
  }
  const u1 = z.select(axis, qIndex),
    u2 = z.select(axis, qIndex + 1);
  const q = u1.square().add_(u2.square()).sqrt_().tanh_();
  q.mul_(q)
    .mul_(-(1 - qMin))
    .add_(1)
    .clamp_(qMin, 1);
  // atan2 in (-pi, pi] -> degrees in (-90, 90] -> [0, 180); atan2(0, 0) = 0 as fromZ's rho = 0 case
  const phi = u2.atan2(u1).mul_(0.5 / DEG);
  const wrapped = where(phi.lt(0), phi.add(180), phi);
  parts.push(q.unsqueeze(axis), where(wrapped.ge(180), wrapped.sub(180), wrapped).unsqueeze(axis));
  order.push(qIndex, qIndex + 1);
  // rows (or columns) back into the space's order
  const back = order.map((_, i) => order.indexOf(i));
  return cat(parts, axis).indexSelect(
    axis,
    fromTypedArray(BigInt64Array.from(back.map(BigInt)), [back.length]),
  );
}

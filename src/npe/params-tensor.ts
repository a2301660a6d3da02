/**
 * `ParamSpace.fromZRows` on the engine: the map from the flow's unconstrained z to the physical parameters for
 * many draws at once (libtorch's vectorised sigmoid, exp, tanh, atan2 on all cores instead of a JS loop per
 * value), the same formulas in float32 (params.ts documents them). Posterior sampling calls it on the flow's
 * output before it leaves the engine.
 */
import { cat, where } from '../torch/ops.js';
import type { Tensor } from '../torch/tensor.js';
import type { ParamSpace } from './params.js';

const DEG = Math.PI / 180;

/**
 * Physical rows [N, D] of z [N, D] (phi in degrees in [0, 180)); with `axis` 0, physical columns [D, N] of z [D, N]
 * (the parameter-major layout of `sampleByParameter`, where every parameter's values are contiguous).
 */
export function fromZTensor(space: ParamSpace, z: Tensor, axis: 0 | 1 = 1): Tensor {
  const { scalars, qIndex, qMin } = space.layout();
  const cols: Tensor[] = new Array<Tensor>(space.dim);
  for (const s of scalars) {
    const g = z.select(axis, s.index).sigmoid().mul(s.span).add(s.g0);
    cols[s.index] = (s.log ? g.exp() : g).clamp(s.lo, s.hi);
  }
  const u1 = z.select(axis, qIndex),
    u2 = z.select(axis, qIndex + 1);
  const d = u1.square().add(u2.square()).sqrt().tanh();
  cols[qIndex] = d
    .square()
    .mul(-(1 - qMin))
    .add(1)
    .clamp(qMin, 1);
  // atan2 in (-pi, pi] -> degrees in (-90, 90] -> [0, 180); atan2(0, 0) = 0 as fromZ's rho = 0 case
  const phi = u2.atan2(u1).mul(0.5 / DEG);
  const wrapped = where(phi.lt(0), phi.add(180), phi);
  cols[qIndex + 1] = where(wrapped.ge(180), wrapped.sub(180), wrapped);
  return cat(
    cols.map((c) => c.unsqueeze(axis)),
    axis,
  );
}

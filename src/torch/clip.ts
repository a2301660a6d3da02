import type { Tensor } from './tensor.js';
import { noGrad } from './autograd.js';
import { scope } from './scope.js';
import { stack } from './ops.js';
import { LensfindError } from '../errors.js';

/**
 * PyTorch's clip_grad_norm_: scales all gradients together so that their joint p-norm is at most maxNorm
 * (coefficient maxNorm / (norm + 1e-6), capped at 1). Returns the norm before clipping.
 */
export function clipGradNorm_(
  params: Iterable<Tensor>,
  maxNorm: number,
  opts: { normType?: number; errorIfNonfinite?: boolean } = {},
): number {
  const normType = opts.normType ?? 2;
  const list = [...params];
  return noGrad(() =>
    scope(() => {
      // Inside the scope: each `.grad` read makes a handle that the scope frees.
      const grads = list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
      if (grads.length === 0) return 0;
      const total =
        normType === Infinity
          ? stack(grads.map((g) => g.abs().max())).max()
          : stack(grads.map((g) => g.norm(normType))).norm(normType);
      const norm = total.item();
      if (opts.errorIfNonfinite && !Number.isFinite(norm)) {
        throw new LensfindError('E_NONFINITE', `clipGradNorm_: the total gradient norm is ${norm}`);
      }
      // Same float32 arithmetic as PyTorch: coefficient computed as a tensor, clamped to 1.
      const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(undefined, 1);
      for (const g of grads) g.mul_(coef);
      return norm;
    }),
  );
}

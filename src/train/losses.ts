import * as F from '../torch/functional.js';
import { full } from '../torch/creation.js';
import type { Tensor } from '../torch/tensor.js';
import type { TrainConfig } from './schema.js';

/** A loss on `[B]` logits and `[B]` float targets in {0, 1}, returning a scalar tensor. */
export type LossFn = (logits: Tensor, targets: Tensor) => Tensor;

/**
 * Binary cross-entropy with logits (optionally with pos_weight and label smoothing), or the focal loss of
 * Lin et al. 2017, FL = -α_t (1 - p_t)^γ log p_t, which down-weights the many easy negatives of a lens search.
 */
export function makeLoss(cfg: TrainConfig['loss'], posWeight: number | null): LossFn {
  const smooth = cfg.label_smoothing;
  const soften = (t: Tensor): Tensor => (smooth > 0 ? t.mul(1 - 2 * smooth).add(smooth) : t);
  if (cfg.name === 'bce') {
    return (logits, targets) => {
      const pw = posWeight !== null ? full([1], posWeight) : undefined;
      return F.binaryCrossEntropyWithLogits(logits, soften(targets), { posWeight: pw });
    };
  }
  const { focal_gamma: gamma, focal_alpha: alpha } = cfg;
  return (logits, targets) => {
    const t = soften(targets);
    const ce = F.binaryCrossEntropyWithLogits(logits, t, { reduction: 'none' });
    const p = logits.sigmoid();
    // p_t = p for positives, 1 - p for negatives (soft targets interpolate).
    const pt = p.mul(t).add(p.neg().add(1).mul(t.neg().add(1)));
    let loss = pt.neg().add(1).pow(gamma).mul(ce);
    if (alpha !== null)
      loss = loss.mul(
        t.mul(alpha).add(
          t
            .neg()
            .add(1)
            .mul(1 - alpha),
        ),
      );
    return loss.mean();
  };
}

import { rocAuc, averagePrecision, tprAtFpr, sigmoid } from '../metrics/index.js';

/** One line of metrics.jsonl. */
export interface EpochMetrics {
  epoch: number;
  step: number;
  lr: number;
  train_loss: number;
  train_accuracy: number;
  /** ROC AUC of the epoch's training batches, from the scores they got while training (augmented, dropout on). */
  train_auc: number;
  val_loss: number;
  val_accuracy: number;
  val_auc: number;
  val_ap: number;
  'val_tpr_fpr1e-2': number;
  images_per_s: number;
  /** Fraction of the epoch's training time spent waiting for the loader's batches. */
  data_wait: number;
  seconds: number;
}

/** Fields of EpochMetrics that measure time (they differ between otherwise identical runs). */
export const TIMING_FIELDS = ['images_per_s', 'data_wait', 'seconds'] as const;

export function metricValue(m: EpochMetrics, name: string): number {
  return (m as unknown as Record<string, number>)[name];
}

/** Whether `value` beats `best` (NaN never does; the first finite value always does). */
export function improved(value: number, best: number | undefined, mode: 'max' | 'min'): boolean {
  if (!Number.isFinite(value)) return false;
  if (best === undefined) return true;
  return mode === 'max' ? value > best : value < best;
}

/** ROC AUC of scores against labels, NaN when one class is missing (AUC undefined). */
export function aucOrNaN(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  let pos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0.5) pos++;
  return pos > 0 && pos < labels.length ? rocAuc(Float64Array.from(labels), Float64Array.from(scores)) : NaN;
}

/** Binary cross-entropy of one logit, numerically stable, with an optional positive weight. */
export function bceOfLogit(l: number, y: number, posWeight: number | null = null): number {
  const logSigPos = -Math.log1p(Math.exp(-Math.abs(l))) + Math.min(l, 0); // log σ(l)
  const logSigNeg = logSigPos - l; // log σ(-l)
  return -((posWeight ?? 1) * y * logSigPos + (1 - y) * logSigNeg);
}

/** Validation metrics from logits (NaN where a class is missing, e.g. AUC with one class). */
export function validationMetrics(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  posWeight: number | null = null,
): Pick<EpochMetrics, 'val_loss' | 'val_accuracy' | 'val_auc' | 'val_ap' | 'val_tpr_fpr1e-2'> {
  const n = labels.length;
  let loss = 0;
  let correct = 0;
  const probs = new Float64Array(n);
  const ys = Float64Array.from(labels);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    probs[i] = sigmoid(logits[i]);
    loss += bceOfLogit(logits[i], ys[i], posWeight);
    if (probs[i] >= 0.5 === ys[i] >= 0.5) correct++;
    if (ys[i] >= 0.5) pos++;
  }
  const both = pos > 0 && pos < n;
  // Rank metrics on the logits: sigmoid saturates to ties in float64 for confident models.
  const scores = Float64Array.from(logits);
  return {
    val_loss: n ? loss / n : NaN,
    val_accuracy: n ? correct / n : NaN,
    val_auc: aucOrNaN(ys, scores),
    val_ap: both ? averagePrecision(ys, scores) : NaN,
    'val_tpr_fpr1e-2': both ? tprAtFpr(ys, scores, 1e-2) : NaN,
  };
}

export function fmt(x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'nan';
}

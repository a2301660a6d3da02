import { checkBinary, type Numbers } from '../metrics/validate.js';

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Confusion counts when a score >= `threshold` is called a lens (the convention of the ROC thresholds). */
export function confusion(labels: Numbers, scores: Numbers, threshold: number): Confusion {
  checkBinary(labels, scores, 'confusion');
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const predicted = scores[i] >= threshold;
    if (labels[i] === 1) {
      if (predicted) c.tp++;
      else c.fn++;
    } else if (predicted) c.fp++;
    else c.tn++;
  }
  return c;
}

export interface ThresholdMetrics extends Confusion {
  threshold: number;
  accuracy: number;
  /** Precision = positive predictive value = purity. */
  precision: number;
  /** Recall = sensitivity = TPR = completeness. */
  recall: number;
  specificity: number;
  npv: number;
  f1: number;
  balancedAccuracy: number;
  mcc: number;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/**
 * Metrics from confusion counts. Zero denominators give 0 (scikit-learn's zero_division=0) for precision,
 * recall, specificity, NPV and F1; MCC is 0 when undefined (as sklearn); balanced accuracy averages the
 * recalls of the classes present (as sklearn's balanced_accuracy_score).
 */
export function metricsFromConfusion(c: Confusion, threshold = NaN): ThresholdMetrics {
  const { tp, fp, tn, fn } = c;
  const n = tp + fp + tn + fn;
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const specificity = ratio(tn, tn + fp);
  const perClass: number[] = [];
  if (tp + fn > 0) perClass.push(recall);
  if (tn + fp > 0) perClass.push(specificity);
  // MCC as sklearn's matthews_corrcoef computes it from the confusion matrix.
  const tSum = [tn + fp, fn + tp];
  const pSum = [tn + fn, fp + tp];
  const covYtYp = (tp + tn) * n - (tSum[0] * pSum[0] + tSum[1] * pSum[1]);
  const covYpYp = n * n - (pSum[0] * pSum[0] + pSum[1] * pSum[1]);
  const covYtYt = n * n - (tSum[0] * tSum[0] + tSum[1] * tSum[1]);
  return {
    threshold,
    ...c,
    accuracy: ratio(tp + tn, n),
    precision,
    recall,
    specificity,
    npv: ratio(tn, tn + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    balancedAccuracy: perClass.length ? perClass.reduce((a, b) => a + b, 0) / perClass.length : 0,
    mcc: covYpYp * covYtYt === 0 ? 0 : covYtYp / Math.sqrt(covYtYt * covYpYp),
  };
}

/** All threshold metrics with "lens" meaning score >= threshold. */
export function metricsAtThreshold(labels: Numbers, scores: Numbers, threshold: number): ThresholdMetrics {
  return metricsFromConfusion(confusion(labels, scores, threshold), threshold);
}

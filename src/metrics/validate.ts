import { LensfindError } from '../errors.js';

/** Any array of numbers: `number[]`, `Float32Array`, `Uint8Array`, ... */
export type Numbers = ArrayLike<number>;

/** Checks binary labels (0/1) and finite scores of the same length; `what` names the caller in messages. */
export function checkBinary(labels: Numbers, scores: Numbers, what: string): void {
  if (labels.length !== scores.length) {
    throw new LensfindError(
      'E_EVAL_INPUT',
      `${what}: labels has ${labels.length} entries but scores has ${scores.length}; expected equal lengths`,
    );
  }
  if (labels.length === 0)
    throw new LensfindError('E_EVAL_INPUT', `${what}: no samples; expected at least one`);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) {
      throw new LensfindError('E_EVAL_INPUT', `${what}: labels[${i}] is ${y}; expected 0 or 1`);
    }
    if (!Number.isFinite(scores[i])) {
      throw new LensfindError(
        'E_EVAL_INPUT',
        `${what}: scores[${i}] is ${scores[i]}; expected a finite number`,
      );
    }
  }
}

/** Checks probabilities lie in [0, 1], as scikit-learn's brier_score_loss requires. */
export function checkProbabilities(probs: Numbers, what: string): void {
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (!(p >= 0 && p <= 1)) {
      throw new LensfindError(
        'E_EVAL_INPUT',
        `${what}: probs[${i}] is ${p}; expected a probability in [0, 1]`,
      );
    }
  }
}

/** Counts of positives and negatives. */
export function classCounts(labels: Numbers): { positives: number; negatives: number } {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  return { positives, negatives: labels.length - positives };
}

/**
 * Ranking metrics (ROC AUC, AP, TPR at FPR, TPR0/TPR10) are undefined with one class: they throw this
 * error (code E_ONE_CLASS) rather than return a number that looks meaningful.
 */
export function requireBothClasses(labels: Numbers, what: string): void {
  const { positives, negatives } = classCounts(labels);
  if (positives === 0 || negatives === 0) {
    throw new LensfindError(
      'E_ONE_CLASS',
      `${what}: only one class present in labels (${positives} positives, ${negatives} negatives); ` +
        'the metric needs both lenses (1) and non-lenses (0)',
    );
  }
}

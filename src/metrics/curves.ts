import { checkBinary, requireBothClasses, type Numbers } from './validate.js';

/**
 * Cumulative counts at each distinct score, scores descending: scikit-learn's `_binary_clf_curve`.
 * Entry i says: predicting "lens" for score >= thresholds[i] gives tps[i] true and fps[i] false positives.
 * Tied scores form one point, so the order among equal scores never matters.
 */
export function binaryClfCurve(
  labels: Numbers,
  scores: Numbers,
): { fps: number[]; tps: number[]; thresholds: number[] } {
  checkBinary(labels, scores, 'binaryClfCurve');
  // Lens and non-lens scores sorted apart (native typed-array sorts, no comparator: ~10x faster than
  // an argsort), then merged from the top, one point per distinct score.
  let nPos = 0;
  for (let i = 0; i < labels.length; i++) nPos += labels[i];
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(labels.length - nPos);
  for (let i = 0, p = 0, q = 0; i < labels.length; i++) {
    if (labels[i] === 1) pos[p++] = scores[i];
    else neg[q++] = scores[i];
  }
  pos.sort();
  neg.sort();
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let i = pos.length - 1;
  let j = neg.length - 1;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    while (i >= 0 && pos[i] === v) i--;
    while (j >= 0 && neg[j] === v) j--;
    tps.push(pos.length - 1 - i);
    fps.push(neg.length - 1 - j);
    thresholds.push(v);
  }
  return { fps, tps, thresholds };
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Descending; the first is max(score) + 1 (scikit-learn 1.2), so the curve starts at (0, 0). */
  thresholds: number[];
}

/**
 * scikit-learn 1.2's `roc_curve`: with `dropIntermediate` (default) collinear points are dropped exactly as
 * sklearn does. With one class the undefined rate is NaN throughout, as in sklearn.
 */
export function rocCurve(
  labels: Numbers,
  scores: Numbers,
  opts: { dropIntermediate?: boolean } = {},
): RocCurve {
  let { fps, tps, thresholds } = binaryClfCurve(labels, scores);
  if ((opts.dropIntermediate ?? true) && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < fps.length - 1; i++) {
      if (fps[i + 1] - 2 * fps[i] + fps[i - 1] !== 0 || tps[i + 1] - 2 * tps[i] + tps[i - 1] !== 0)
        keep.push(i);
    }
    keep.push(fps.length - 1);
    fps = keep.map((i) => fps[i]);
    tps = keep.map((i) => tps[i]);
    thresholds = keep.map((i) => thresholds[i]);
  }
  fps = [0, ...fps];
  tps = [0, ...tps];
  thresholds = [thresholds[0] + 1, ...thresholds];
  const nNeg = fps[fps.length - 1];
  const nPos = tps[tps.length - 1];
  return {
    fpr: fps.map((f) => (nNeg > 0 ? f / nNeg : NaN)),
    tpr: tps.map((t) => (nPos > 0 ? t / nPos : NaN)),
    thresholds,
  };
}

/** Trapezoidal area under y(x), as numpy.trapz. */
export function trapezoid(x: Numbers, y: Numbers): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return area;
}

/** scikit-learn's `roc_auc_score`. Throws LensfindError E_ONE_CLASS with one class (sklearn raises too). */
export function rocAuc(labels: Numbers, scores: Numbers): number {
  checkBinary(labels, scores, 'rocAuc');
  requireBothClasses(labels, 'rocAuc');
  const { fpr, tpr } = rocCurve(labels, scores);
  return trapezoid(fpr, tpr);
}

export interface PrecisionRecallCurve {
  /** scikit-learn order: thresholds ascending, with a final (precision 1, recall 0) point without threshold. */
  precision: number[];
  recall: number[];
  thresholds: number[];
}

/**
 * scikit-learn 1.2's `precision_recall_curve` (not truncated at full recall in 1.2). Precision with no
 * predicted positives is 0; with no positives at all recall is 1 everywhere, as in sklearn.
 */
export function precisionRecallCurve(labels: Numbers, scores: Numbers): PrecisionRecallCurve {
  const { fps, tps, thresholds } = binaryClfCurve(labels, scores);
  const nPos = tps[tps.length - 1];
  const precision = tps.map((t, i) => (t + fps[i] !== 0 ? t / (t + fps[i]) : 0));
  const recall = tps.map((t) => (nPos === 0 ? 1 : t / nPos));
  return {
    precision: [...precision.reverse(), 1],
    recall: [...recall.reverse(), 0],
    thresholds: thresholds.reverse(),
  };
}

/**
 * scikit-learn's `average_precision_score`: the step sum Σ (R_n − R_{n−1}) P_n, no interpolation.
 * Throws LensfindError E_ONE_CLASS with one class (sklearn returns a meaningless 0 or 1 with a warning).
 */
export function averagePrecision(labels: Numbers, scores: Numbers): number {
  checkBinary(labels, scores, 'averagePrecision');
  requireBothClasses(labels, 'averagePrecision');
  const { precision, recall } = precisionRecallCurve(labels, scores);
  let sum = 0;
  for (let i = 0; i < recall.length - 1; i++) sum += (recall[i + 1] - recall[i]) * precision[i];
  return -sum;
}

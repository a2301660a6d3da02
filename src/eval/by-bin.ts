import { LensfindError } from '../errors.js';
import { rocAuc } from '../metrics/curves.js';
import { checkBinary, classCounts, type Numbers } from '../metrics/validate.js';
import { bootstrap } from './bootstrap.js';

export interface BinMetrics {
  /** "[lo, hi)" for numeric bins (the last is closed), the value itself for categories. */
  bin: string;
  lower?: number;
  upper?: number;
  count: number;
  positives: number;
  negatives: number;
  /** Fraction of the bin's lenses with score >= threshold (completeness); NaN without lenses. */
  tpr: number;
  /** Fraction of the bin's non-lenses with score >= threshold; NaN without non-lenses. */
  fpr: number;
  /** ROC AUC within the bin; NaN unless the bin holds both classes. */
  auc: number;
  meanScore: number;
  /** Percentile-bootstrap 95% interval of tpr (resampling the bin's items); absent without lenses or resamples. */
  tprInterval?: [number, number];
  /** Likewise for fpr. */
  fprInterval?: [number, number];
}

/** The fraction of `label` items scored at or above `threshold` (TPR for label 1, FPR for label 0). */
const rateAbove =
  (label: number, threshold: number) =>
  (ys: number[], ss: number[]): number => {
    let n = 0;
    let above = 0;
    ys.forEach((y, j) => {
      if (y === label) {
        n++;
        if (ss[j] >= threshold) above++;
      }
    });
    return n ? above / n : NaN;
  };

export type ColumnValue = number | string | null | undefined;

const isMissing = (v: ColumnValue): boolean =>
  v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));

/**
 * Metrics per bin of a metadata column (θ_E, arc SNR, negative kind, ...). `bins` is either ascending numeric
 * edges (bins [e_i, e_{i+1}), the last closed; values outside are left out) or 'categorical' (one bin per
 * distinct value, in order of first appearance). Rows with a missing value (null, '', NaN) are left out:
 * e.g. non-lenses have no θ_E, so θ_E bins hold lenses only and give TPR per θ_E.
 */
export function metricsByBin(
  labels: Numbers,
  scores: Numbers,
  values: ArrayLike<ColumnValue>,
  bins: readonly number[] | 'categorical',
  /** bootstrap: resamples for the tpr/fpr intervals (default 0: none); seed: theirs (default 0). */
  opts: { threshold?: number; bootstrap?: number; seed?: number } = {},
): BinMetrics[] {
  checkBinary(labels, scores, 'metricsByBin');
  if (values.length !== labels.length) {
    throw new LensfindError(
      'E_EVAL_INPUT',
      `metricsByBin: column has ${values.length} values but labels has ${labels.length}; expected equal lengths`,
    );
  }
  const threshold = opts.threshold ?? 0.5;
  const groups = new Map<string, { lower?: number; upper?: number; idx: number[] }>();
  if (bins === 'categorical') {
    for (let i = 0; i < values.length; i++) {
      if (isMissing(values[i])) continue;
      const key = String(values[i]);
      if (!groups.has(key)) groups.set(key, { idx: [] });
      groups.get(key)!.idx.push(i);
    }
  } else {
    if (bins.length < 2 || bins.some((e, k) => !Number.isFinite(e) || (k > 0 && e <= bins[k - 1]))) {
      throw new LensfindError(
        'E_EVAL_INPUT',
        `metricsByBin: bins [${bins.join(', ')}]; expected at least two finite ascending edges or 'categorical'`,
      );
    }
    const last = bins.length - 2;
    const keys = bins.slice(0, -1).map((lo, k) => `[${lo}, ${bins[k + 1]}${k === last ? ']' : ')'}`);
    keys.forEach((key, k) => groups.set(key, { lower: bins[k], upper: bins[k + 1], idx: [] }));
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (isMissing(v)) continue;
      const x = Number(v);
      if (!Number.isFinite(x) || x < bins[0] || x > bins[bins.length - 1]) continue;
      let k = 0;
      while (k < last && x >= bins[k + 1]) k++;
      groups.get(keys[k])!.idx.push(i);
    }
  }
  const resamples = opts.bootstrap ?? 0;
  const interval = (ys: number[], ss: number[], label: number): [number, number] => {
    const b = bootstrap(ys, ss, rateAbove(label, threshold), { n: resamples, seed: opts.seed ?? 0 });
    return [b.lower, b.upper];
  };
  return [...groups].map(([bin, g]) => {
    const ys = g.idx.map((i) => labels[i]);
    const ss = g.idx.map((i) => scores[i]);
    const { positives, negatives } = classCounts(ys);
    let tp = 0;
    let fp = 0;
    ys.forEach((y, j) => {
      if (ss[j] >= threshold) {
        if (y === 1) tp++;
        else fp++;
      }
    });
    return {
      bin,
      ...(g.lower !== undefined ? { lower: g.lower, upper: g.upper } : {}),
      count: ys.length,
      positives,
      negatives,
      tpr: positives ? tp / positives : NaN,
      fpr: negatives ? fp / negatives : NaN,
      auc: positives && negatives ? rocAuc(ys, ss) : NaN,
      meanScore: ys.length ? ss.reduce((a, b) => a + b, 0) / ys.length : NaN,
      ...(positives && resamples ? { tprInterval: interval(ys, ss, 1) } : {}),
      ...(negatives && resamples ? { fprInterval: interval(ys, ss, 0) } : {}),
    };
  });
}

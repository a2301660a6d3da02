import { LensfindError } from '../errors.js';
import { Mulberry32Rng } from '../rng/index.js';
import { checkBinary, type Numbers } from '../metrics/validate.js';

export type MetricFn = (labels: number[], scores: number[]) => number;

export interface BootstrapInterval {
  /** The metric on the full data. */
  estimate: number;
  lower: number;
  upper: number;
  /** Confidence level of [lower, upper], e.g. 0.95. */
  level: number;
  /** Resamples that gave a number. */
  resamples: number;
  /** Resamples skipped because the metric threw (e.g. a resample with one class) or gave NaN. */
  skipped: number;
}

/** Percentile with linear interpolation between order statistics (numpy's default). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Percentile bootstrap interval: `n` (default 1000) resamples of the (label, score) pairs with replacement,
 * drawn from a generator seeded with `seed` (default 0), so the same call gives the same interval. `metric`
 * must not depend on the order of the samples (none of this module's do).
 */
export function bootstrap(
  labels: Numbers,
  scores: Numbers,
  metric: MetricFn,
  opts: { n?: number; seed?: number; level?: number } = {},
): BootstrapInterval {
  checkBinary(labels, scores, 'bootstrap');
  const n = opts.n ?? 1000;
  const level = opts.level ?? 0.95;
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new LensfindError('E_EVAL_INPUT', `bootstrap: n is ${n}; expected a positive integer`);
  }
  if (!(level > 0 && level < 1)) {
    throw new LensfindError('E_EVAL_INPUT', `bootstrap: level is ${level}; expected 0 < level < 1`);
  }
  const size = labels.length;
  const rng = new Mulberry32Rng(opts.seed ?? 0);
  const ys = new Array<number>(size);
  const ss = new Array<number>(size);
  const values: number[] = [];
  let skipped = 0;
  // Resamples are laid out in descending-score order (draw counts, then repeat each sample in that order):
  // the same multiset as drawing in sequence, so any order-free metric is unchanged, and the metric's own
  // sort meets sorted input (TimSort: linear time).
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const counts = new Uint32Array(size);
  for (let r = 0; r < n; r++) {
    counts.fill(0);
    for (let i = 0; i < size; i++) counts[rng.int(size)]++;
    let k = 0;
    for (const j of order) {
      for (let c = counts[j]; c > 0; c--) {
        ys[k] = labels[j];
        ss[k++] = scores[j];
      }
    }
    try {
      const v = metric(ys, ss);
      if (Number.isNaN(v)) skipped++;
      else values.push(v);
    } catch (err) {
      if (!(err instanceof LensfindError)) throw err;
      skipped++;
    }
  }
  values.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  return {
    estimate: metric(Array.from(labels), Array.from(scores)),
    lower: percentile(values, alpha),
    upper: percentile(values, 1 - alpha),
    level,
    resamples: values.length,
    skipped,
  };
}

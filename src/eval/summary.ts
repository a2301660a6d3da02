import { bootstrap, type BootstrapInterval } from './bootstrap.js';
import { averagePrecision, rocAuc } from '../metrics/curves.js';
import { expectedPurity, tpr0, tpr10, tprAtFpr } from '../metrics/lens-metrics.js';
import { brier, expectedCalibrationError, logLoss } from './probability.js';
import { thresholdChoices, type ThresholdChoices } from './thresholds.js';
import { checkBinary, checkProbabilities, classCounts, type Numbers } from '../metrics/validate.js';

export interface SummaryOptions {
  /** FPRs at which to report TPR (default 1e-2, 1e-3, 1e-4). */
  fprs?: number[];
  /** Survey prevalence for expected purity (default 1/1000). */
  prevalence?: number;
  /** Bootstrap resamples (default 1000; 0 skips intervals). */
  bootstrap?: number;
  seed?: number;
}

type Interval = Pick<BootstrapInterval, 'lower' | 'upper' | 'level'>;

/**
 * Everything evaluate writes to metrics.json for lens probabilities, JSON-safe: metrics undefined for the
 * data (one class) are null, never NaN. Intervals are percentile bootstrap 95% for ROC AUC, AP and TPR at
 * each FPR.
 */
export interface EvaluationSummary {
  n: number;
  positives: number;
  negatives: number;
  rocAuc: number | null;
  averagePrecision: number | null;
  /** Keyed by the FPR as written by String(fpr), e.g. "0.001". */
  tprAtFpr: Record<string, number | null>;
  tpr0: number | null;
  tpr10: number | null;
  brier: number;
  logLoss: number | null;
  ece: number;
  prevalence: number;
  thresholds: (ThresholdChoices & { expectedPurity: Record<keyof ThresholdChoices, number | null> }) | null;
  intervals: Record<string, Interval>;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function summarize(labels: Numbers, probs: Numbers, opts: SummaryOptions = {}): EvaluationSummary {
  checkBinary(labels, probs, 'summarize');
  checkProbabilities(probs, 'summarize');
  const { positives, negatives } = classCounts(labels);
  const both = positives > 0 && negatives > 0;
  const fprs = opts.fprs ?? [1e-2, 1e-3, 1e-4];
  const prevalence = opts.prevalence ?? 1 / 1000;
  const nBoot = opts.bootstrap ?? 1000;
  const seed = opts.seed ?? 0;
  const intervals: Record<string, Interval> = {};
  const interval = (name: string, fn: (y: number[], s: number[]) => number) => {
    if (!both || nBoot === 0) return;
    const b = bootstrap(labels, probs, fn, { n: nBoot, seed });
    intervals[name] = { lower: b.lower, upper: b.upper, level: b.level };
  };
  interval('rocAuc', rocAuc);
  interval('averagePrecision', averagePrecision);
  for (const f of fprs) interval(`tprAtFpr@${f}`, (y, s) => tprAtFpr(y, s, f));
  let thresholds: EvaluationSummary['thresholds'] = null;
  if (both) {
    const choices = thresholdChoices(labels, probs, { fpr: fprs[1] ?? fprs[0] ?? 1e-3 });
    const purity = (k: keyof ThresholdChoices) =>
      finiteOrNull(expectedPurity(choices[k].recall, 1 - choices[k].specificity, prevalence));
    thresholds = {
      ...choices,
      expectedPurity: {
        half: purity('half'),
        maxF1: purity('maxF1'),
        youden: purity('youden'),
        atFpr: purity('atFpr'),
      },
    };
  }
  return {
    n: labels.length,
    positives,
    negatives,
    rocAuc: both ? rocAuc(labels, probs) : null,
    averagePrecision: both ? averagePrecision(labels, probs) : null,
    tprAtFpr: Object.fromEntries(fprs.map((f) => [String(f), both ? tprAtFpr(labels, probs, f) : null])),
    tpr0: both ? tpr0(labels, probs) : null,
    tpr10: both ? tpr10(labels, probs) : null,
    brier: brier(labels, probs),
    logLoss: both ? logLoss(labels, probs) : null,
    ece: expectedCalibrationError(labels, probs),
    prevalence,
    thresholds,
    intervals,
  };
}

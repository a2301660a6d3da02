import { metricsAtThreshold, type ThresholdMetrics } from './confusion.js';
import { operatingPointAtFpr, operatingPoints } from '../metrics/lens-metrics.js';
import type { Numbers } from '../metrics/validate.js';

/** The threshold maximising F1 over all distinct scores (the strictest one on ties). */
export function maxF1Threshold(labels: Numbers, scores: Numbers): number {
  const points = operatingPoints(labels, scores, 'maxF1Threshold').slice(1);
  const nPos = points[points.length - 1].tp;
  let best = points[0];
  let bestF1 = -1;
  for (const p of points) {
    const f1 = (2 * p.tp) / (p.tp + p.fp + nPos); // 2TP / (2TP + FP + FN)
    if (f1 > bestF1) [best, bestF1] = [p, f1];
  }
  return best.threshold;
}

/** The threshold maximising Youden's J = TPR − FPR (the strictest one on ties). */
export function youdenThreshold(labels: Numbers, scores: Numbers): number {
  const points = operatingPoints(labels, scores, 'youdenThreshold').slice(1);
  let best = points[0];
  for (const p of points) if (p.tpr - p.fpr > best.tpr - best.fpr) best = p;
  return best.threshold;
}

/** The threshold of `operatingPointAtFpr`: highest TPR with FPR <= fpr (max score + 1 if no score qualifies). */
export function thresholdAtFpr(labels: Numbers, scores: Numbers, fpr: number): number {
  return operatingPointAtFpr(labels, scores, fpr).threshold;
}

export interface ThresholdChoices {
  half: ThresholdMetrics;
  maxF1: ThresholdMetrics;
  youden: ThresholdMetrics;
  atFpr: ThresholdMetrics;
}

/** Metrics at the usual thresholds: 0.5, maximum F1, Youden's J, and the one reaching FPR <= `fpr`. */
export function thresholdChoices(
  labels: Numbers,
  scores: Numbers,
  opts: { fpr?: number } = {},
): ThresholdChoices {
  return {
    half: metricsAtThreshold(labels, scores, 0.5),
    maxF1: metricsAtThreshold(labels, scores, maxF1Threshold(labels, scores)),
    youden: metricsAtThreshold(labels, scores, youdenThreshold(labels, scores)),
    atFpr: metricsAtThreshold(labels, scores, thresholdAtFpr(labels, scores, opts.fpr ?? 1e-3)),
  };
}

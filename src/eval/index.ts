// Evaluation metrics on plain arrays (labels 0/1, scores): they serve any model, a PyTorch one's scores, or an ensemble.
export type { Numbers } from '../metrics/validate.js';
export {
  binaryClfCurve,
  rocCurve,
  rocAuc,
  precisionRecallCurve,
  averagePrecision,
  trapezoid,
} from '../metrics/curves.js';
export type { RocCurve, PrecisionRecallCurve } from '../metrics/curves.js';
export { confusion, metricsAtThreshold, metricsFromConfusion } from './confusion.js';
export type { Confusion, ThresholdMetrics } from './confusion.js';
export { maxF1Threshold, youdenThreshold, thresholdAtFpr, thresholdChoices } from './thresholds.js';
export type { ThresholdChoices } from './thresholds.js';
export {
  operatingPoints,
  operatingPointAtFpr,
  tprAtFpr,
  tprBeforeFalsePositives,
  tpr0,
  tpr10,
  expectedPurity,
  purityCompletenessCurve,
} from '../metrics/lens-metrics.js';
export type { OperatingPoint, PurityCompletenessCurve } from '../metrics/lens-metrics.js';
export { brier, logLoss, reliabilityCurve, expectedCalibrationError } from './probability.js';
export type { ReliabilityBin } from './probability.js';
export { bootstrap, percentile } from './bootstrap.js';
export type { BootstrapInterval, MetricFn } from './bootstrap.js';
export { metricsByBin } from './by-bin.js';
export type { BinMetrics, ColumnValue } from './by-bin.js';
export { fitTemperature, applyTemperature, temperatureNll, sigmoid, logit } from './temperature.js';
export { combineScores } from './ensemble.js';
export type { CombineMethod } from './ensemble.js';
export { Rng } from './rng.js';
export { summarize } from './summary.js';
export type { EvaluationSummary, SummaryOptions } from './summary.js';

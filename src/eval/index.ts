// Evaluation metrics on plain arrays (labels 0/1, scores): they serve any model, a PyTorch one's scores, or an ensemble.
// The array metrics that training also uses live in the leaf metrics/; eval's public API includes them.
export * from '../metrics/index.js';
export { confusion, metricsAtThreshold, metricsFromConfusion } from './confusion.js';
export type { Confusion, ThresholdMetrics } from './confusion.js';
export { maxF1Threshold, youdenThreshold, thresholdAtFpr, thresholdChoices } from './thresholds.js';
export type { ThresholdChoices } from './thresholds.js';
export { brier, logLoss, reliabilityCurve, expectedCalibrationError } from './probability.js';
export type { ReliabilityBin } from './probability.js';
export { bootstrap, percentile } from './bootstrap.js';
export type { BootstrapInterval, MetricFn } from './bootstrap.js';
export { metricsByBin } from './by-bin.js';
export type { BinMetrics, ColumnValue } from './by-bin.js';
export { fitTemperature, temperatureNll } from './temperature.js';
export { summarize } from './summary.js';
export type { EvaluationSummary, SummaryOptions } from './summary.js';
// Evaluating trained runs: scores on a dataset's split, metrics.json and plots, ensembles, calibration.
export { evaluateRun, evaluateEnsemble, calibrateRun, printEvaluation } from './evaluate-run.js';
export type {
  EvaluateOptions,
  EvaluateDataOptions,
  EvaluateResult,
  CalibrationResult,
} from './evaluate-run.js';
export { writeEvaluation, formatSummaryTable } from './report-write.js';
export { readEvaluationMetrics } from './metrics-file.js';
export type { EvaluationMetricsFile } from './metrics-file.js';

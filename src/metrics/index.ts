// Metrics on plain arrays (labels 0/1, scores) with no engine or model imports: a leaf that train/ (validation
// metrics each epoch) and eval/ (which re-exports them in its public API) both use. One implementation each.
export type { Numbers } from './validate.js';
export { checkBinary, checkProbabilities, classCounts, requireBothClasses } from './validate.js';
export {
  binaryClfCurve,
  rocCurve,
  rocAuc,
  precisionRecallCurve,
  averagePrecision,
  trapezoid,
} from './curves.js';
export type { RocCurve, PrecisionRecallCurve } from './curves.js';
export {
  operatingPoints,
  operatingPointAtFpr,
  tprAtFpr,
  tprBeforeFalsePositives,
  tpr0,
  tpr10,
  expectedPurity,
  purityCompletenessCurve,
} from './lens-metrics.js';
export type { OperatingPoint, PurityCompletenessCurve } from './lens-metrics.js';
export { sigmoid, logit } from './sigmoid.js';

/** lensfind's public API: every program (the CLI and the tests included) imports from here. */
export * as torch from './torch/index.js';
export * as sim from './sim/index.js';
export * as metrics from './eval/index.js';
export * as plot from './plot/index.js';
export * as data from './data/index.js';
export * as models from './models/index.js';
export * as train from './train/index.js';
export * as infer from './infer/index.js';
export * as predict from './predict/index.js';
export * as inject from './inject/index.js';
export * as onnx from './export/index.js';
export * as npe from './npe/index.js';
export * as web from './web/index.js';
export * as search from './search/index.js';
export * as rng from './rng/index.js';
export { evaluateRun, evaluateEnsemble, calibrateRun, printEvaluation } from './eval/evaluate-run.js';
export type { EvaluateOptions, EvaluateResult, CalibrationResult } from './eval/evaluate-run.js';
export { writeEvaluation, formatSummaryTable } from './eval/report-write.js';
export { readEvaluationMetrics } from './eval/metrics-file.js';
export type { EvaluationMetricsFile } from './eval/metrics-file.js';
export { scoreBatches, gatherScores } from './infer/score-stream.js';
export { LensfindError, ConfigError, DataError, OutputError } from './errors.js';
export { claimOutputDir, ensureWritableDir, folderKind, MARKER_FILE } from './io/output-dir.js';
export type { FolderKind } from './io/output-dir.js';
export { readNpy, writeNpy, encodeNpy, decodeNpy } from './io/npy.js';
export type { NpyArray, NpyData, NpyDtype } from './io/npy.js';
export { readCsv, writeCsv, parseCsv, formatCsv } from './io/csv.js';
export { writeFileAtomic } from './io/atomic.js';
export { readFits, decodeFits } from './io/fits.js';
export { readFitsImage, readFitsImages, readFitsSlice, flipRows } from './io/fits-image.js';
export type { FitsImage } from './io/fits-image.js';
export {
  encodeFits,
  writeFits,
  emptyPrimaryHdu,
  imageExtensionHdu,
  tableExtensionHdu,
} from './io/fits-write.js';
export { encodeBinTable, decodeBinTable } from './io/fits-table.js';
export { parseWcs } from './io/wcs.js';
export type { Wcs } from './io/wcs.js';
export type { FitsHdu, FitsCard, FitsValue, FitsData } from './io/fits.js';
export { readNpz, decodeNpz } from './io/npz.js';
export { createLogger, silentLogger } from './log/logger.js';
export type { Logger } from './log/logger.js';
export { Progress } from './log/progress.js';
export {
  loadConfig,
  resolveConfig,
  parseOverride,
  deepMerge,
  readYamlFile,
  saveConfig,
} from './config/load.js';
export { SummaryWriter } from './log/tensorboard.js';

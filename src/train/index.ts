/** Training: configuration, the loop, checkpoints, runs. */
export { trainConfigSchema, metricMode } from './schema.js';
export type { TrainConfig } from './schema.js';
export { loadTrainConfig, presetPath, CONFIG_DIR, TRAIN_PRESETS } from './config.js';
export { train } from './trainer.js';
export type {
  TrainOptions,
  TrainResult,
  EpochMetrics,
  TrainState,
  PhaseTimes,
  PartialEpoch,
} from './trainer.js';
export { validationMetrics, bceOfLogit, TIMING_FIELDS } from './metrics.js';
export { batchGallery } from './batch-image.js';
export { makeLoss } from './losses.js';
export { makeOptimizer, makeSchedule, paramGroups } from './optimizer.js';
export {
  saveCheckpoint,
  readCheckpointState,
  loadCheckpointWeights,
  loadCheckpointOptimizer,
} from './checkpoint.js';
export { WeightAverage } from './ema.js';
export { scoreIndices } from './score.js';
export type { Scores } from './score.js';
export { runName, createRunFolder, runDataPath, SIM_CONFIG_FILE, VAL_DATA_DIR } from './run-folder.js';
export { modelOptions, checkModelConfig } from './model-options.js';

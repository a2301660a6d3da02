/** Sérsic-parameter posteriors by neural posterior estimation (issue 13): the library behind `lensfind sersic`. */
export { ParamSpace, priorsSchema, boundSchema, standardNormalLogPdf } from './params.js';
export type { Priors, Bound, ParamKind } from './params.js';
export { fromZTensor } from './params-tensor.js';
export { SersicRenderer } from './render.js';
export type { RenderSettings, RenderBand } from './render.js';
export * from './flows/index.js';
export { PosteriorNet, modelConfigSchema } from './model.js';
export type { NpeModelConfig } from './model.js';
export {
  createBackbone,
  backboneConfigSchema,
  SmallCnn,
  ResNetBackbone,
  SwinBackbone,
  Backbone,
} from './backbone.js';
export type { BackboneConfig } from './backbone.js';
export { sersicConfigSchema, loadSersicConfig, SERSIC_PRESET_DIR } from './config.js';
export type { SersicConfig } from './config.js';
export { simulateBatch, makeRenderer, makeSpace, normalizeImages, STREAM } from './data.js';
export type { SimBatch, SimSettings } from './data.js';
export { SimPool } from './pool.js';
export {
  calibrationReport,
  credibilityLevels,
  coverageCurve,
  sbcRanks,
  tarp,
  defaultAlphas,
  binnedCoverage,
} from './calibration.js';
export type {
  PosteriorSet,
  TarpResult,
  CalibrationReport,
  ParameterCalibration,
  BinCoverage,
} from './calibration.js';
export { samplePosterior, flowLogDensity, summarise, summaryRows, SUMMARY_STATS } from './posterior.js';
export type { SampleOptions } from './posterior.js';
export { buildNet, loadSersicRun } from './run.js';
export type { SersicRun } from './run.js';
export { trainSersic, scoreNll } from './train.js';
export type { SersicTrainOptions, SersicTrainResult } from './train.js';
export { checkSersic, checkFolder, galaxySnr } from './check.js';
export type { CheckReport, CheckedPosterior, AccuracySummary, RefineSummary } from './check.js';
export { exactGapPerGalaxy, summariseGap } from './exact-gap.js';
export type { ExactGap, GapSummary } from './exact-gap.js';
export { calibrateSersic } from './calibrate.js';
export type { CalibrateReport } from './calibrate.js';
export {
  fitWidthScaling,
  applyWidthScaling,
  scalingMatrices,
  scaledComponents,
  componentDirection,
  imageLogSnr,
  scaleAt,
  readRecalibration,
  writeRecalibration,
  RECALIBRATION_FILE,
} from './recalibration.js';
export type { WidthScaling, ScaledComponent, ComponentKind, ComponentSpec } from './recalibration.js';
export { predictSersic, readCutouts } from './predict.js';
export type { SersicPredictOptions } from './predict.js';
export { ensembleSample, sersicLogPosterior } from './mcmc.js';
export type { EnsembleOptions, EnsembleResult } from './mcmc.js';
export { refinePosteriors } from './refine.js';
export { refineWithRun } from './refine-pool.js';
export type { RefineOptions, RefinedPosteriors } from './refine.js';
export {
  adaptiveImportanceSample,
  resampleSystematic,
  effectiveSampleSize,
  StudentT,
  DEFAULT_ADAPTIVE,
} from './importance.js';
export type { Proposal, AdaptiveOptions, ImportanceResult } from './importance.js';

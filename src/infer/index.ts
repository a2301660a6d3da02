/**
 * Inference: a trained run loaded for scoring, batched logits with test-time augmentation, temperature,
 * ensembles, streamed scoring on libtorch or ONNX Runtime. eval/, predict/ and search/ build on it.
 */
export { loadRun, calibrationPath } from './load-run.js';
export type { LoadedRun } from './load-run.js';
export { batchLogits, symmetries } from '../models/logits.js';
export type { BatchInput } from '../models/logits.js';
export { applyTemperature } from './temperature.js';
export { combineScores } from './ensemble.js';
export type { CombineMethod } from './ensemble.js';
export { scoreBatches, gatherScores, checkRunFitsData } from './score-stream.js';
export type { ScoreSource, ScoreOptions, ScoredBatch, GatheredScores } from './score-stream.js';
export { openScorers, torchScorer } from './scorer.js';
export type { Scorer } from './scorer.js';
export { OnnxScorer, SCORING_BACKENDS, DEFAULT_BACKEND, parseBackend } from './onnx-scorer.js';
export type { ScoringBackend, OnnxScorerOptions } from './onnx-scorer.js';

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LensfindError } from '../errors.js';
import type { NormalizationParams } from '../data/normalize.js';
import { createModel } from '../models/registry.js';
import type { LensModel } from '../models/common.js';
import type { TrainConfig } from '../train/schema.js';
import { loadCheckpointWeights, readCheckpointState } from '../train/checkpoint.js';
import { layOut, modelOptions } from '../train/model-options.js';
import { readRunConfig } from '../train/run-folder.js';
import type { TrainState } from '../train/trainer.js';

/** A trained model ready to score cutouts, with what scoring must apply exactly as training did. */
export interface LoadedRun {
  runDir: string;
  name: string;
  config: TrainConfig;
  checkpoint: 'best' | 'last';
  /** In eval mode. */
  model: LensModel;
  normalization: NormalizationParams;
  bands: number;
  imageSize: number;
  /** Temperature from `lensfind calibrate` (1 when not calibrated): probability = sigmoid(logit / T). */
  temperature: number;
  epoch: number;
}

/** Where `lensfind calibrate` stores the fitted temperature. */
export function calibrationPath(runDir: string): string {
  return path.join(runDir, 'calibration.json');
}

/**
 * Loads a run folder's model from `checkpoints/<checkpoint>` (the one function every use of a trained model goes
 * through: evaluate, ensemble, calibrate, predict, and later survey search). Falls back to `last` when `best` does
 * not exist yet.
 */
export function loadRun(runDir: string, opts: { checkpoint?: 'best' | 'last' } = {}): LoadedRun {
  const config = readRunConfig(runDir);
  let checkpoint = opts.checkpoint ?? 'best';
  let dir = path.join(runDir, 'checkpoints', checkpoint);
  if (!existsSync(path.join(dir, 'state.json')) && checkpoint === 'best' && opts.checkpoint === undefined) {
    checkpoint = 'last';
    dir = path.join(runDir, 'checkpoints', checkpoint);
  }
  if (!existsSync(path.join(dir, 'state.json'))) {
    throw new LensfindError(
      'E_RUN',
      `${runDir}: no checkpoint '${checkpoint}' (train it first, or pick --checkpoint last)`,
    );
  }
  const state = readCheckpointState<TrainState>(dir);
  const model = createModel(
    config.model.name,
    modelOptions(config.model, { bands: state.bands, height: state.imageSize }),
  );
  loadCheckpointWeights(dir, layOut(model, config));
  model.eval();
  let temperature = 1;
  if (existsSync(calibrationPath(runDir))) {
    const cal = JSON.parse(readFileSync(calibrationPath(runDir), 'utf8')) as { temperature?: number };
    if (typeof cal.temperature === 'number' && cal.temperature > 0) temperature = cal.temperature;
  }
  return {
    runDir,
    name: path.basename(path.resolve(runDir)),
    config,
    checkpoint,
    model,
    normalization: state.normalization,
    bands: state.bands,
    imageSize: state.imageSize,
    temperature,
    epoch: state.epoch,
  };
}

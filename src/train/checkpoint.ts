import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeDirAtomic, recoverDir } from '../io/atomic-dir.js';
import { LensfindError } from '../errors.js';
import { saveSafetensors, loadSafetensors } from '../torch/serialization.js';
import {
  optimizerStateFromTensors,
  optimizerStateToTensors,
  type SplitOptimizerState,
} from '../torch/optim/state-io.js';
import type { OptimizerState } from '../torch/optim/optimizer.js';
import type { Module } from '../torch/nn/index.js';

interface Stateful<S> {
  stateDict(): S;
  loadStateDict(sd: S): void;
}

/**
 * A checkpoint is a folder (DESIGN.md): `model.safetensors` (the model's state dict, PyTorch key names),
 * `optimizer.safetensors` (the optimizer's tensors) and `state.json` (epoch, step, scheduler, generator states,
 * metrics, config). It replaces the previous folder atomically, so a kill never leaves half a checkpoint.
 */
export interface CheckpointParts<T extends Record<string, unknown>> {
  model: Module;
  /**
   * The weights the optimizer trains when `model` is their moving average (ema.ts): `trained.safetensors`, which
   * a resumed run continues from.
   */
  trained?: Module;
  optimizer?: Stateful<OptimizerState>;
  state: T;
}

export function saveCheckpoint<T extends Record<string, unknown>>(
  dir: string,
  parts: CheckpointParts<T>,
): void {
  writeDirAtomic(dir, (tmp) => {
    saveSafetensors(path.join(tmp, 'model.safetensors'), parts.model.stateDict(), { format: 'pt' });
    if (parts.trained)
      saveSafetensors(path.join(tmp, TRAINED_WEIGHTS), parts.trained.stateDict(), { format: 'pt' });
    let optimizer: SplitOptimizerState['json'] | null = null;
    if (parts.optimizer) {
      const split = optimizerStateToTensors(parts.optimizer.stateDict());
      saveSafetensors(path.join(tmp, 'optimizer.safetensors'), split.tensors);
      optimizer = split.json;
    }
    writeFileSync(path.join(tmp, 'state.json'), JSON.stringify({ ...parts.state, optimizer }, null, 1));
  });
}

/** Reads `state.json` of a checkpoint folder (recovering a folder a kill left moved aside). */
export function readCheckpointState<T>(dir: string): T {
  recoverDir(dir);
  const file = path.join(dir, 'state.json');
  if (!existsSync(file)) {
    throw new LensfindError('E_CHECKPOINT', `${dir}: not a checkpoint (state.json is missing)`);
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new LensfindError(
      'E_CHECKPOINT',
      `${file}: unreadable checkpoint state (${(err as Error).message})`,
    );
  }
}

/** The file of a checkpoint's trained weights when model.safetensors holds their moving average. */
export const TRAINED_WEIGHTS = 'trained.safetensors';

/**
 * Loads the weights of a checkpoint folder into `model` (strict: every key and shape must match): model.safetensors,
 * or another file of the folder.
 */
export function loadCheckpointWeights(dir: string, model: Module, file = 'model.safetensors'): void {
  recoverDir(dir);
  const weights = loadSafetensors(path.join(dir, file));
  try {
    model.loadStateDict(weights);
  } finally {
    for (const t of weights.values()) t.dispose();
  }
}

/** Restores an optimizer from a checkpoint folder written by `saveCheckpoint`. */
export function loadCheckpointOptimizer(dir: string, optimizer: Stateful<OptimizerState>): void {
  const saved = readCheckpointState<{ optimizer: SplitOptimizerState['json'] | null }>(dir);
  if (!saved.optimizer)
    throw new LensfindError('E_CHECKPOINT', `${dir}: the checkpoint has no optimizer state`);
  const file = path.join(dir, 'optimizer.safetensors');
  const tensors = loadSafetensors(file);
  optimizer.loadStateDict(optimizerStateFromTensors(tensors, saved.optimizer, file));
}

import { batchLogits, type BatchInput } from '../models/logits.js';
import type { Module } from '../torch/nn/index.js';
import type { LoadedRun } from './load-run.js';
import { OnnxScorer, type ScoringBackend } from './onnx-scorer.js';

/** What turns one normalised batch, at the model's input size, into logits: libtorch or ONNX Runtime. */
export interface Scorer {
  /** Logits [B]; `tta` averages over the 8 flips and 90° rotations. */
  logits(batch: BatchInput, tta: boolean): Promise<Float32Array>;
  release(): Promise<void>;
}

/** A model as loaded, scored by libtorch in eval mode without autograd. */
export function torchScorer(model: Module): Scorer {
  return {
    logits: async (batch, tta) => batchLogits(model, batch, tta),
    release: async () => {},
  };
}

/** One scorer per run: ONNX Runtime sessions (built one after another) for 'onnx', libtorch otherwise. */
export async function openScorers(
  runs: readonly LoadedRun[],
  backend: ScoringBackend | undefined,
): Promise<Scorer[]> {
  if (backend !== 'onnx') return runs.map((r) => torchScorer(r.model));
  const scorers: Scorer[] = [];
  try {
    for (const r of runs) scorers.push(await OnnxScorer.create(r));
  } catch (e) {
    await Promise.all(scorers.map((s) => s.release()));
    throw e;
  }
  return scorers;
}

import type { BatchLoader } from '../data/loader.js';
import type { Module } from '../torch/nn/index.js';
import { batchLogits } from '../models/logits.js';

/** Logits of a model on a stream of batches, in order, with the items' labels and ids. */
export interface Scores {
  logits: Float64Array;
  labels: Float64Array;
  ids: string[];
  indices: number[];
}

/**
 * Scores `indices` of the loader's dataset in eval mode (the model's train/eval mode is restored afterwards).
 * `onBatch` reports progress (items done); `keep` keeps the normalised batches for the next pass (validation).
 */
export async function scoreIndices(
  model: Module,
  loader: BatchLoader,
  indices: readonly number[],
  opts: { batchSize: number; tta?: boolean; keep?: boolean; onBatch?: (done: number) => void },
): Promise<Scores> {
  const wasTraining = model.training;
  model.eval();
  const logits: number[] = [];
  const labels: number[] = [];
  const ids: string[] = [];
  const kept: number[] = [];
  try {
    for await (const batch of loader.evalBatches(indices, opts.batchSize, { keep: opts.keep })) {
      const l = batchLogits(model, batch, opts.tta);
      for (let i = 0; i < l.length; i++) logits.push(l[i]);
      for (let i = 0; i < batch.y.length; i++) labels.push(batch.y[i]);
      ids.push(...batch.ids);
      kept.push(...batch.indices);
      opts.onBatch?.(ids.length);
    }
  } finally {
    model.train(wasTraining);
  }
  return { logits: Float64Array.from(logits), labels: Float64Array.from(labels), ids, indices: kept };
}

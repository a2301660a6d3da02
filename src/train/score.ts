import type { BatchLoader, Batch } from '../data/loader.js';
import { fromTypedArray } from '../torch/creation.js';
import { noGrad } from '../torch/autograd.js';
import { scope } from '../torch/scope.js';
import type { Tensor } from '../torch/tensor.js';
import type { Module } from '../torch/nn/index.js';

/** Logits of a model on a stream of batches, in order, with the items' labels and ids. */
export interface Scores {
  logits: Float64Array;
  labels: Float64Array;
  ids: string[];
  indices: number[];
}

/** The eight symmetries of the square (flips x 90° rotations): test-time augmentation averages logits over them. */
export function symmetries(x: Tensor): Tensor[] {
  const out: Tensor[] = [];
  for (const flipped of [x, x.flip([3])])
    for (let k = 0; k < 4; k++) out.push(k === 0 ? flipped : flipped.rot90(k, [2, 3]));
  return out;
}

/** Logits `[B]` of one batch in eval mode, without autograd; `tta` averages over the 8 flips and rotations. */
export function batchLogits(model: Module, batch: Pick<Batch, 'x' | 'shape'>, tta = false): Float32Array {
  return noGrad(() =>
    scope(() => {
      const x = fromTypedArray(batch.x, batch.shape);
      const views = tta ? symmetries(x) : [x];
      let sum: Tensor | null = null;
      for (const v of views) {
        const logit = (model.forward(v) as Tensor).reshape([-1]);
        sum = sum === null ? logit : sum.add(logit);
      }
      return sum!.div(views.length).dataSync() as Float32Array;
    }),
  );
}

/**
 * Scores `indices` of the loader's dataset in eval mode (the model's train/eval mode is restored afterwards).
 * `onBatch` reports progress (items done).
 */
export async function scoreIndices(
  model: Module,
  loader: BatchLoader,
  indices: readonly number[],
  opts: { batchSize: number; tta?: boolean; onBatch?: (done: number) => void },
): Promise<Scores> {
  const wasTraining = model.training;
  model.eval();
  const logits: number[] = [];
  const labels: number[] = [];
  const ids: string[] = [];
  const kept: number[] = [];
  try {
    for await (const batch of loader.epoch(indices, {
      epoch: 0,
      batchSize: opts.batchSize,
      sampler: 'none',
      augment: false,
    })) {
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

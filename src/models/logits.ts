import { fromTypedArray } from '../torch/creation.js';
import { noGrad } from '../torch/autograd.js';
import { scope } from '../torch/scope.js';
import type { Tensor } from '../torch/tensor.js';
import type { Module } from '../torch/nn/index.js';

// A network's logits on one batch: the primitive both training's validation pass and inference (src/infer/) use.

/** A normalised batch [B, bands, H, W] (a data loader's Batch fits). */
export interface BatchInput {
  x: Float32Array;
  shape: number[];
}

/** The eight symmetries of the square (flips x 90° rotations): test-time augmentation averages logits over them. */
export function symmetries(x: Tensor): Tensor[] {
  const out: Tensor[] = [];
  for (const flipped of [x, x.flip([3])])
    for (let k = 0; k < 4; k++) out.push(k === 0 ? flipped : flipped.rot90(k, [2, 3]));
  return out;
}

/** Logits `[B]` of one batch in eval mode, without autograd; `tta` averages over the 8 flips and rotations. */
export function batchLogits(model: Module, batch: BatchInput, tta = false): Float32Array {
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

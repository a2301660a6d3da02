import type { Batch } from '../data/loader.js';
import { fromTypedArray } from '../torch/creation.js';
import { scope } from '../torch/scope.js';
import { clipGradNorm_ } from '../torch/clip.js';
import { autocast, resolvePrecision } from '../torch/autocast.js';
import type { makeLoss } from './losses.js';
import type { makeOptimizer, makeSchedule } from './optimizer.js';
import type { PhaseTimes } from './trainer.js';
import type { LoopContext } from './loop-state.js';

/** A batch's loss, its number of correct predictions and its logits, after the optimizer step. */
export type TrainStep = (
  batch: Batch,
  times: PhaseTimes,
) => { loss: number; right: number; logits: Float32Array };

/** One optimizer step on a batch: the loss, the number of correct predictions and the logits. */
export function makeTrainStep(
  ctx: LoopContext,
  optimizer: ReturnType<typeof makeOptimizer>,
  schedule: ReturnType<typeof makeSchedule>,
  lossFn: ReturnType<typeof makeLoss>,
): TrainStep {
  const { model, config } = ctx;
  const mixed = resolvePrecision(config.precision) === 'bf16-mixed';
  return (batch: Batch, times: PhaseTimes): { loss: number; right: number; logits: Float32Array } => {
    const ta = performance.now();
    let tb1 = ta;
    // Forward and backward in their own scope: the activations and the graph are freed before the optimizer
    // allocates its temporaries (lower peak memory, fewer fresh pages).
    const { loss, right, logits } = scope(() => {
      const x = fromTypedArray(batch.x, batch.shape);
      const y = fromTypedArray(batch.y, [batch.y.length]);
      // bf16-mixed: the forward pass under autocast, its logits back in float32 for the loss
      const out = autocast(() => model.forward(x), mixed)
        .to('float32')
        .reshape([-1]);
      const l = lossFn(out, y);
      const correct = out.detach().gt(0).eq(y.gt(0.5)).sum().item();
      const value = l.item();
      const scores = out.detach().toFloat32Array();
      tb1 = performance.now();
      optimizer.zeroGrad();
      l.backward();
      return { loss: value, right: correct, logits: scores };
    });
    const tc = performance.now();
    scope(() => {
      if (config.clip_grad_norm !== null) clipGradNorm_(model.parameters(), config.clip_grad_norm);
      optimizer.step();
    });
    ctx.average?.update();
    schedule.afterBatch();
    const td = performance.now();
    times.forward += (tb1 - ta) / 1000;
    times.backward += (tc - tb1) / 1000;
    times.optimizer += (td - tc) / 1000;
    return { loss, right, logits };
  };
}

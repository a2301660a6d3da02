/**
 * An exponential moving average of a model's weights, as timm's ModelEmaV3 keeps one (Polyak averaging): after
 * every optimizer step, ema = d ema + (1 - d) w over the whole state dict (parameters and floating-point buffers
 * such as BatchNorm's running statistics; integer buffers are copied). With timm's warm-up the decay of update t
 * (t = 0, 1, ...) is d_t = min(decay, 1 - (1 + t)^(-3/4)): 0 at the first (a copy), so the average forgets the
 * random start quickly and reaches `decay` after (1 - decay)^(-4/3) steps (0.999 at 10k). Validation,
 * checkpoints/best and so prediction use the averaged weights (trainer.ts).
 */
import { noGrad } from '../torch/autograd.js';
import type { Module } from '../torch/nn/index.js';
import type { Tensor } from '../torch/tensor.js';

// timm's (and diffusers') advice for runs of fewer than ~1M steps (warmup_gamma 1); 2/3 suits longer runs
const WARMUP_POWER = 3 / 4;

export class WeightAverage {
  /** Optimizer steps averaged so far (saved in the checkpoint, so a resumed run continues the same decays). */
  updates = 0;
  private readonly pairs: { source: Tensor; average: Tensor; float: boolean }[];

  /** `average` is a model of the same architecture as `source`; it is set to `source`'s weights. */
  constructor(
    source: Module,
    readonly average: Module,
    readonly decay: number,
  ) {
    const from = source.stateDict(),
      into = average.stateDict();
    this.pairs = [...from].map(([key, t]) => {
      const a = into.get(key);
      if (!a) throw new Error(`weight average: the averaged model has no ${key}`);
      return { source: t, average: a, float: /float/.test(t.dtype) };
    });
    noGrad(() => {
      for (const p of this.pairs) p.average.copy_(p.source);
    });
    average.eval();
  }

  /** The decay of the next update. */
  nextDecay(): number {
    return Math.min(this.decay, 1 - Math.pow(1 + this.updates, -WARMUP_POWER));
  }

  /** Moves the average towards the source's current weights (after an optimizer step). */
  update(): void {
    const d = this.nextDecay();
    noGrad(() => {
      for (const p of this.pairs) {
        if (p.float) p.average.lerp_(p.source, 1 - d);
        else p.average.copy_(p.source);
      }
    });
    this.updates++;
  }
}

import { native } from '../native.js';
import type { Tensor } from '../tensor.js';
import { zerosLike } from '../creation.js';
import { AdamW, type AdamOptions } from './adam.js';
import type { ParamsInput } from './optimizer.js';

/**
 * AdamW with the whole step in native code: two addon calls per param group (which params have gradients, then
 * the update), and one pass over memory per float32 CPU parameter instead of nine ATen ops. Same results as
 * AdamW to float rounding and the same state (step, exp_avg, exp_avg_sq), so checkpoints move between the two.
 * amsgrad and maximize fall back to AdamW's step.
 */
export class FusedAdamW extends AdamW {
  constructor(params: ParamsInput, opts: AdamOptions = {}) {
    super(params, opts);
  }

  override step(): void {
    if (this.paramGroups.some((g) => g.amsgrad || g.maximize)) {
      super.step();
      return;
    }
    const addon = native();
    for (const group of this.paramGroups) {
      const defined = addon.gradsDefined(group.params.map((p) => p.handle)) as boolean[];
      const params: Tensor[] = [];
      const expAvgs: Tensor[] = [];
      const expAvgSqs: Tensor[] = [];
      const steps: number[] = [];
      group.params.forEach((p, i) => {
        if (!defined[i]) return;
        let st = this.state.get(p);
        if (!st) this.state.set(p, (st = {}));
        if (st.step === undefined) {
          st.step = 0;
          st.exp_avg = zerosLike(p).keep();
          st.exp_avg_sq = zerosLike(p).keep();
        }
        st.step = (st.step as number) + 1;
        params.push(p);
        expAvgs.push(st.exp_avg as Tensor);
        expAvgSqs.push(st.exp_avg_sq as Tensor);
        steps.push(st.step);
      });
      if (params.length === 0) continue;
      const [beta1, beta2] = group.betas!;
      addon.adamFusedStep(
        params.map((p) => p.handle),
        expAvgs.map((t) => t.handle),
        expAvgSqs.map((t) => t.handle),
        steps,
        group.lr,
        beta1,
        beta2,
        group.eps as number,
        group.weightDecay,
        true,
      );
    }
  }
}

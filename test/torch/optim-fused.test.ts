// FusedAdamW (one native call per group, one memory pass per float32 parameter) against AdamW: same parameters
// and state after 5 steps to 1e-6, for float32 (fused loop), float64 (ATen fallback), params without gradients,
// and a parameter that joins late (its own step count); state dicts are interchangeable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdamW } from '../../src/torch/optim/index.js';
import { FusedAdamW } from '../../src/torch/optim/fused-adamw.js';
import { Generator, randn } from '../../src/torch/random.js';
import { liveTensorCount, scope } from '../../src/torch/scope.js';
import type { Tensor } from '../../src/torch/tensor.js';

const shapes = [[64, 3, 3, 3], [64], [70001], [5, 7]];

function makeParams(seed: number, dtype: 'float32' | 'float64' = 'float32'): Tensor[] {
  const gen = new Generator(seed);
  return shapes.map((s) => randn(s, { generator: gen, dtype }).requiresGrad_().keep());
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return scope(() => a.sub(b).abs().max().item());
}

/** Runs `steps` steps of both optimizers with identical gradients; returns [fused params, reference params]. */
function run(
  dtype: 'float32' | 'float64',
  steps: number,
  gradMask: (step: number, i: number) => boolean,
): { fused: FusedAdamW; ref: AdamW; a: Tensor[]; b: Tensor[] } {
  const a = makeParams(1, dtype);
  const b = makeParams(1, dtype);
  const opts = { lr: 0.01, betas: [0.8, 0.95] as [number, number], eps: 1e-6, weightDecay: 0.1 };
  const fused = new FusedAdamW(a, opts);
  const ref = new AdamW(b, opts);
  const gen = new Generator(2);
  for (let s = 0; s < steps; s++) {
    shapes.forEach((shape, i) => {
      if (!gradMask(s, i)) {
        a[i].zeroGrad_();
        b[i].zeroGrad_();
        return;
      }
      const g = randn(shape, { generator: gen, dtype });
      a[i].grad = g;
      b[i].grad = g.clone();
      g.dispose();
    });
    fused.step();
    ref.step();
  }
  return { fused, ref, a, b };
}

for (const dtype of ['float32', 'float64'] as const) {
  test(`FusedAdamW equals AdamW after 5 steps (${dtype}, to 1e-6)`, () => {
    // Parameter 1 has no gradient at step 0 (joins late); parameter 3 has none at step 2 (skipped that step).
    const { fused, ref, a, b } = run(dtype, 5, (s, i) => !(s === 0 && i === 1) && !(s === 2 && i === 3));
    a.forEach((p, i) => assert.ok(maxAbsDiff(p, b[i]) < 1e-6, `param ${i}: ${maxAbsDiff(p, b[i])}`));
    // It really moved: not equal to the initial values.
    const init = makeParams(1, dtype);
    assert.ok(maxAbsDiff(a[2], init[2]) > 1e-3);
    const sa = fused.stateDict();
    const sb = ref.stateDict();
    for (const [k, st] of Object.entries(sb.state)) {
      const mine = sa.state[Number(k)];
      assert.equal(mine.step, st.step, `step count of param ${k}`);
      for (const name of ['exp_avg', 'exp_avg_sq'])
        assert.ok(maxAbsDiff(mine[name] as Tensor, st[name] as Tensor) < 1e-6, `${name} of param ${k}`);
    }
    assert.deepEqual(
      Object.values(sa.state).map((s) => s.step),
      [5, 4, 5, 4],
    );
    for (const t of [...a, ...b, ...init]) t.dispose();
    fused.disposeState();
    ref.disposeState();
  });
}

test('FusedAdamW.step() leaves no temporary tensors behind and throws nothing on params without grads', () => {
  const { fused, ref, a, b } = run('float32', 1, () => true);
  for (const p of a) p.zeroGrad_();
  const before = liveTensorCount();
  fused.step(); // no gradients: nothing to do
  for (const p of a) p.grad = scope(() => p.detach().mul(2));
  const withGrads = liveTensorCount();
  for (let i = 0; i < 3; i++) fused.step();
  assert.equal(liveTensorCount(), withGrads);
  assert.ok(withGrads >= before);
  for (const t of [...a, ...b]) t.dispose();
  fused.disposeState();
  ref.disposeState();
});

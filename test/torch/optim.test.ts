import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  Adam,
  AdamW,
  SGD,
  Optimizer,
  optimizerStateFromTensors,
  optimizerStateToTensors,
  type ParamsInput,
} from '../../src/torch/optim/index.js';
import { clipGradNorm_ } from '../../src/torch/clip.js';
import { loadSafetensors, saveSafetensors } from '../../src/torch/serialization.js';
import { tensor } from '../../src/torch/creation.js';
import { liveTensorCount, scope } from '../../src/torch/scope.js';
import { Generator, randn } from '../../src/torch/random.js';
import { Linear, ReLU, Sequential } from '../../src/torch/nn/index.js';
import { StepLR } from '../../src/torch/lr/index.js';
import type { Tensor } from '../../src/torch/tensor.js';

// 5 steps of each optimizer in PyTorch 1.13 on the same problem (scripts/fixtures/torch_optim.py).
const ref = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/torch/optim_steps.json'), 'utf8'),
);
const P = ref.problem as Record<'p0' | 'p1' | 't0' | 't1' | 'c0' | 'c1', number[] | number[][]>;

function params(): [Tensor, Tensor] {
  return [
    tensor((P.p0 as number[][]).flat(), { shape: [3, 2] }).requiresGrad_(),
    tensor(P.p1 as number[]).requiresGrad_(),
  ];
}

/** sum(0.5 * c * (p - t)^2 + 0.1 * p^4) over both parameters, with the same operation order as the fixture. */
function backward(p0: Tensor, p1: Tensor): void {
  scope(() => {
    const term = (p: Tensor, t: number[], c: number[], shape: number[]) => {
      const tt = tensor(t, { shape });
      const cc = tensor(c, { shape });
      return cc.mul(0.5).mul(p.sub(tt).pow(2)).add(p.pow(4).mul(0.1)).sum();
    };
    term(p0, (P.t0 as number[][]).flat(), (P.c0 as number[][]).flat(), [3, 2])
      .add(term(p1, P.t1 as number[], P.c1 as number[], [4]))
      .backward();
  });
}

function make(kind: string, ps: ParamsInput, options: Record<string, unknown>): Optimizer {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) o[k === 'weight_decay' ? 'weightDecay' : k] = v;
  if (kind === 'SGD') return new SGD(ps, o as never);
  if (kind === 'Adam') return new Adam(ps, o as never);
  return new AdamW(ps, o as never);
}

function groups(p0: Tensor, p1: Tensor, group1: Record<string, unknown>): ParamsInput {
  const g: Record<string, unknown> = { params: [p1] };
  for (const [k, v] of Object.entries(group1)) g[k === 'weight_decay' ? 'weightDecay' : k] = v;
  return [{ params: [p0] }, g as { params: Tensor[] }];
}

function assertClose(actual: number[], expected: number[], what: string, tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) =>
    assert.ok(Math.abs(a - expected[i]) <= tol, `${what}[${i}]: ${a} vs ${expected[i]}`),
  );
}

for (const c of ref.cases as {
  name: string;
  optimizer: string;
  options: Record<string, unknown>;
  group1: Record<string, unknown>;
  history: { p0: number[]; p1: number[] }[];
}[]) {
  test(`${c.name}: 5 steps equal PyTorch's ${c.optimizer}`, () => {
    const [p0, p1] = params();
    const opt = make(c.optimizer, groups(p0, p1, c.group1), c.options);
    c.history.forEach((h, step) => {
      opt.zeroGrad();
      backward(p0, p1);
      opt.step();
      assertClose(p0.toArray(), h.p0, `${c.name} step ${step + 1} p0`);
      assertClose(p1.toArray(), h.p1, `${c.name} step ${step + 1} p1`);
    });
  });
}

test('clipGradNorm_ scales the gradients like PyTorch and returns the norm before clipping', () => {
  const [p0, p1] = params();
  backward(p0, p1);
  assertClose(p0.grad!.toArray(), ref.clip.grads.p0, 'grad p0', 1e-5);
  const norm = clipGradNorm_([p0, p1], ref.clip.maxNorm);
  assert.ok(Math.abs(norm - ref.clip.totalNorm) < 1e-5, `${norm} vs ${ref.clip.totalNorm}`);
  assertClose(p0.grad!.toArray(), ref.clip.clipped.p0, 'clipped p0');
  assertClose(p1.grad!.toArray(), ref.clip.clipped.p1, 'clipped p1');
  // under the limit: unchanged
  const before = p0.grad!.toArray();
  clipGradNorm_([p0, p1], 100);
  assert.deepEqual(p0.grad!.toArray(), before);
});

test('resume: state saved after 3 steps (safetensors + JSON) and restored continues exactly', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lf-optim-'));
  for (const kind of ['SGD', 'Adam', 'AdamW']) {
    const options =
      kind === 'SGD' ? { lr: 0.05, momentum: 0.9, nesterov: true } : { lr: 0.01, weightDecay: 0.1 };
    const [a0, a1] = params();
    const full = make(kind, [a0, a1], options);
    const fullSched = new StepLR(full, { stepSize: 2, gamma: 0.5 });
    for (let i = 0; i < 5; i++) {
      full.zeroGrad();
      backward(a0, a1);
      full.step();
      fullSched.step();
    }

    const [b0, b1] = params();
    const first = make(kind, [b0, b1], options);
    const firstSched = new StepLR(first, { stepSize: 2, gamma: 0.5 });
    for (let i = 0; i < 3; i++) {
      first.zeroGrad();
      backward(b0, b1);
      first.step();
      firstSched.step();
    }
    const split = optimizerStateToTensors(first.stateDict());
    const file = path.join(dir, `${kind}.safetensors`);
    saveSafetensors(file, split.tensors);
    writeFileSync(
      path.join(dir, `${kind}.json`),
      JSON.stringify({ optim: split.json, sched: firstSched.stateDict() }),
    );
    const weights = path.join(dir, `${kind}.weights.safetensors`);
    saveSafetensors(weights, { p0: b0, p1: b1 });

    const w = loadSafetensors(weights);
    const c0 = w.get('p0')!.requiresGrad_();
    const c1 = w.get('p1')!.requiresGrad_();
    const resumed = make(kind, [c0, c1], { ...options, lr: 123 });
    const resumedSched = new StepLR(resumed, { stepSize: 2, gamma: 0.5 });
    const saved = JSON.parse(readFileSync(path.join(dir, `${kind}.json`), 'utf8'));
    resumed.loadStateDict(optimizerStateFromTensors(loadSafetensors(file), saved.optim));
    resumedSched.loadStateDict(saved.sched);
    assert.equal(resumed.paramGroups[0].lr, first.paramGroups[0].lr);
    for (let i = 0; i < 2; i++) {
      resumed.zeroGrad();
      backward(c0, c1);
      resumed.step();
      resumedSched.step();
    }
    assert.deepEqual(c0.toArray(), a0.toArray(), `${kind} p0`);
    assert.deepEqual(c1.toArray(), a1.toArray(), `${kind} p1`);
    assert.equal(resumed.paramGroups[0].lr, full.paramGroups[0].lr);
  }
});

test('stateDict uses PyTorch layout and loadStateDict rejects a different parameter layout', () => {
  const [p0, p1] = params();
  const opt = new AdamW([p0, p1], { lr: 0.01 });
  backward(p0, p1);
  opt.step();
  const sd = opt.stateDict();
  assert.deepEqual(Object.keys(sd.state), ['0', '1']);
  assert.equal(sd.state[0].step, 1);
  assert.deepEqual((sd.state[1].exp_avg as Tensor).shape, [4]);
  assert.deepEqual(sd.paramGroups[0].params, [0, 1]);
  assert.equal(sd.paramGroups[0].weightDecay, 0.01);
  const [q0] = params();
  assert.throws(
    () => new AdamW([q0], { lr: 0.01 }).loadStateDict(sd),
    /saved param group 0 has 2 parameters/,
  );
  const [r0, r1] = params();
  assert.throws(
    () => new AdamW([r1, r0], { lr: 0.01 }).loadStateDict(sd),
    /saved state "exp_avg" of parameter 0 has shape \[3, 2\], the parameter \[4\]/,
  );
  // parameters without gradients are skipped
  const [s0, s1] = params();
  const sgd = new SGD([s0, s1], { lr: 1 });
  sgd.step();
  assert.deepEqual(s0.toArray(), [...Float32Array.from((P.p0 as number[][]).flat())]);
});

test('a training loop (module, AdamW, clipping, scheduler) keeps the live tensor count flat', () => {
  const gen = new Generator(3);
  const net = new Sequential(
    new Linear(4, 8, { generator: gen }),
    new ReLU(),
    new Linear(8, 1, { generator: gen }),
  );
  const opt = new AdamW(net.parameters(), { lr: 0.01 });
  const sched = new StepLR(opt, { stepSize: 5 });
  const x = randn([16, 4], { generator: gen });
  const step = () =>
    scope(() => {
      opt.zeroGrad();
      net.call(x).square().mean().backward();
      clipGradNorm_(net.parameters(), 1);
      opt.step();
      sched.step();
    });
  step();
  const before = liveTensorCount();
  for (let i = 0; i < 20; i++) step();
  // <=: GC finalizers of earlier tests' unscoped tensors may lower the count meanwhile, never raise it
  assert.ok(
    liveTensorCount() <= before,
    `${liveTensorCount()} live tensors after 20 steps, ${before} before`,
  );
  clipGradNorm_(net.parameters(), 1); // outside any scope: must not leave handles behind either
  assert.ok(liveTensorCount() <= before);
});

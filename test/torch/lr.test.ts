import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CosineWithWarmup,
  OneCycleLR,
  ReduceLROnPlateau,
  StepLR,
  type Schedulable,
  type SchedulerState,
} from '../../src/torch/lr/index.js';

// Sequences recorded from torch.optim.lr_scheduler by scripts/fixtures/torch_optim.py.
const ref = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/torch/lr_sequences.json'), 'utf8'),
) as Record<
  string,
  { options: any; lr: number[]; momentum?: number[]; metrics?: number[]; baseLr?: number; optimizer?: string }
>;

function close(actual: number[], expected: number[], what: string, tol = 1e-12): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) =>
    assert.ok(
      Math.abs(a - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])),
      `${what}[${i}]: ${a} vs ${expected[i]}`,
    ),
  );
}

const sgd = (lr: number, momentum = 0): Schedulable => ({ paramGroups: [{ lr, momentum }] });

function run(opt: Schedulable, sched: { step(m?: number): void }, n: number, metrics?: number[]) {
  const lrs = [opt.paramGroups[0].lr];
  const moms = [opt.paramGroups[0].betas?.[0] ?? opt.paramGroups[0].momentum ?? 0];
  for (let i = 0; i < n; i++) {
    sched.step(metrics?.[i]);
    lrs.push(opt.paramGroups[0].lr);
    moms.push(opt.paramGroups[0].betas?.[0] ?? opt.paramGroups[0].momentum ?? 0);
  }
  return { lrs, moms };
}

test('StepLR matches torch', () => {
  const r = ref.step;
  const opt = sgd(r.baseLr!);
  const s = new StepLR(opt, r.options);
  close(run(opt, s, r.lr.length - 1).lrs, r.lr, 'step');
  assert.deepEqual(s.getLastLr(), [r.lr.at(-1)]);
});

test('CosineWithWarmup matches the LambdaLR definition run in torch', () => {
  for (const key of ['cosine_warmup', 'cosine_nowarmup']) {
    const r = ref[key];
    const opt = sgd(r.baseLr!);
    close(run(opt, new CosineWithWarmup(opt, r.options), r.lr.length - 1).lrs, r.lr, key);
  }
  // the warmup starts above zero and reaches the base lr at its last step
  const opt = sgd(1);
  const s = new CosineWithWarmup(opt, { warmupSteps: 4, totalSteps: 8 });
  assert.equal(opt.paramGroups[0].lr, 0.25);
  run(opt, s, 3);
  assert.equal(opt.paramGroups[0].lr, 1);
});

test('OneCycleLR lr and momentum/beta1 match torch (SGD and AdamW)', () => {
  const r = ref.onecycle_sgd;
  const opt = sgd(0.1, 0.9);
  const seq = run(opt, new OneCycleLR(opt, r.options), r.lr.length - 1);
  close(seq.lrs, r.lr, 'onecycle_sgd lr');
  close(seq.moms, r.momentum!, 'onecycle_sgd momentum');
  const a = ref.onecycle_adamw;
  const adam: Schedulable = { paramGroups: [{ lr: 0.01, betas: [0.9, 0.999] }] };
  const seq2 = run(adam, new OneCycleLR(adam, a.options), a.lr.length - 1);
  close(seq2.lrs, a.lr, 'onecycle_adamw lr');
  close(seq2.moms, a.momentum!, 'onecycle_adamw beta1');
  assert.equal(adam.paramGroups[0].betas![1], 0.999);
});

test('ReduceLROnPlateau matches torch in min/rel and max/abs modes', () => {
  for (const key of ['plateau', 'plateau_max']) {
    const r = ref[key];
    const opt = sgd(r.baseLr!);
    close(run(opt, new ReduceLROnPlateau(opt, r.options), r.metrics!.length, r.metrics).lrs, r.lr, key);
  }
});

test('scheduler state round-trips through JSON: resumed == uninterrupted', () => {
  const make = (kind: string, opt: Schedulable) =>
    kind === 'step'
      ? new StepLR(opt, { stepSize: 2, gamma: 0.3 })
      : kind === 'cos'
        ? new CosineWithWarmup(opt, { warmupSteps: 2, totalSteps: 9, minLr: 0.001 })
        : kind === 'one'
          ? new OneCycleLR(opt, { maxLr: 0.5, totalSteps: 10 })
          : new ReduceLROnPlateau(opt, { patience: 0, cooldown: 1 });
  const metrics = [3, 2, 2.5, 2.6, 1, 1, 1, 1, 1];
  for (const kind of ['step', 'cos', 'one', 'plateau']) {
    const a = sgd(0.1, 0.9);
    const sa = make(kind, a);
    const full = run(a, sa, 9, metrics).lrs;
    const b = sgd(0.1, 0.9);
    const sb = make(kind, b);
    run(b, sb, 4, metrics);
    const saved = JSON.parse(JSON.stringify(sb.stateDict())) as SchedulerState;
    const c = sgd(0.1, 0.9);
    const sc = make(kind, c);
    sc.loadStateDict(saved);
    assert.equal(c.paramGroups[0].lr, full[4], `${kind}: lr after load`);
    const rest = run(c, sc, 5, metrics.slice(4)).lrs;
    close(rest, full.slice(4), `${kind} resumed`, 0);
  }
  assert.throws(
    () => new StepLR(sgd(1), { stepSize: 1 }).loadStateDict({ type: 'OneCycleLR', lastEpoch: 1 }),
    /OneCycleLR/,
  );
});

test('OneCycleLR refuses to step past totalSteps', () => {
  const opt = sgd(0.1, 0.9);
  const s = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 3 });
  s.step();
  s.step();
  s.step();
  assert.throws(() => s.step(), /more than totalSteps = 3/);
});

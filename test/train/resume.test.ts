import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { train } from '../../src/train/trainer.js';
import { loadRun } from '../../src/infer/load-run.js';
import { batchLogits } from '../../src/models/logits.js';
import { metricsWithoutTiming } from '../helpers/run-files.js';
import { loadSafetensors } from '../../src/torch/serialization.js';
import { writeToyDeepLense, toyConfig, toyCutout } from './toy-data.js';

const data = writeToyDeepLense({ perClass: 24, seed: 3 });
// Dropout, augmentation, cosine schedule and AdamW all carry state across the interruption.
const config = (name: string, extra: Record<string, unknown> = {}) =>
  toyConfig(data, { epochs: 3, batch_size: 8, ...extra, run: { name } });
// the float32 NCHW run that the bf16-mixed and channels_last runs of the same seed are compared with, trained once
let reference: ReturnType<typeof train> | null = null;
const referenceRun = () => (reference ??= train(config('reference'), { console: false }));

function weights(runDir: string, which = 'last'): Map<string, number[]> {
  const sd = loadSafetensors(path.join(runDir, 'checkpoints', which, 'model.safetensors'));
  return new Map([...sd].map(([k, t]) => [k, t.toArray()]));
}

test('a run interrupted after epoch 1 and resumed ends with the weights of an uninterrupted run', async () => {
  const straight = await train(config('straight'), { console: false });
  assert.equal(straight.epochs, 3);
  assert.equal(straight.interrupted, false);

  const first = await train(config('resumed'), { console: false, stopAfterEpochs: 1 });
  assert.equal(first.interrupted, true);
  assert.equal(first.epochs, 1);
  const resumed = await train(null, { resume: first.runDir, console: false });
  assert.equal(resumed.epochs, 3);
  assert.equal(resumed.interrupted, false);

  const a = weights(straight.runDir);
  const b = weights(resumed.runDir);
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [k, va] of a) {
    const vb = b.get(k)!;
    for (let i = 0; i < va.length; i++)
      assert.ok(Math.abs(va[i] - vb[i]) <= 1e-6 * (1 + Math.abs(va[i])), `${k}[${i}]: ${va[i]} vs ${vb[i]}`);
  }
  assert.deepEqual(metricsWithoutTiming(resumed.runDir), metricsWithoutTiming(straight.runDir));
  // The weights actually moved (a run that never trained would pass the equality above too).
  assert.ok(straight.history[2].train_loss < straight.history[0].train_loss);
});

test('a checkpoint loaded with loadRun gives the logits of the model that wrote it', async () => {
  const run = await train(config('roundtrip'), { console: false, stopAfterEpochs: 2 });
  const loaded = loadRun(run.runDir, { checkpoint: 'last' });
  assert.equal(loaded.epoch, 2);
  assert.equal(loaded.model.training, false);
  const x = new Float32Array(4 * 3 * 16 * 16);
  for (let i = 0; i < 4; i++) x.set(toyCutout(i % 2 === 0, 100 + i), i * 3 * 16 * 16);
  const shape: [number, number, number, number] = [4, 3, 16, 16];
  const once = batchLogits(loaded.model, { x, shape });
  // A second, independent load of the same files.
  const again = batchLogits(loadRun(run.runDir, { checkpoint: 'last' }).model, { x, shape });
  assert.deepEqual(Array.from(once), Array.from(again));
  // And the saved weights are those the training left: resuming the finished epochs changes nothing.
  const continued = await train(null, { resume: run.runDir, console: false, stopAfterEpochs: 0 });
  assert.equal(continued.epochs, 2);
  const after = batchLogits(loadRun(run.runDir, { checkpoint: 'last' }).model, { x, shape });
  assert.deepEqual(Array.from(after), Array.from(once));
  assert.ok(
    once.some((v) => v !== once[0]),
    'logits differ between images',
  );
});

test('a SIGINT in the middle of an epoch saves a checkpoint from which the run resumes exactly', async () => {
  const straight = await train(config('mid-straight'), { console: false });
  // Stop during epoch 2 (4 steps per epoch): the handler lets step 6 finish, then saves and returns.
  const first = await train(config('mid-resumed'), {
    console: false,
    handleSignals: true,
    onStep: ({ step }) => {
      if (step === 6) process.emit('SIGINT');
    },
  });
  assert.equal(first.interrupted, true);
  assert.equal(first.epochs, 1);
  assert.equal(process.listenerCount('SIGINT'), 0, 'the handler is removed');
  const state = JSON.parse(readFileSync(path.join(first.runDir, 'checkpoints/last/state.json'), 'utf8'));
  assert.equal(state.step, 6);
  assert.equal(state.partial.batches, 2);
  const resumed = await train(null, { resume: first.runDir, console: false });
  assert.equal(resumed.epochs, 3);
  assert.deepEqual(weights(resumed.runDir), weights(straight.runDir));
  assert.deepEqual(metricsWithoutTiming(resumed.runDir), metricsWithoutTiming(straight.runDir));
});

/**
 * Trains `make(name)` for 3 epochs straight and again interrupted after epoch 1 and resumed; asserts the two end
 * with the same weights, exactly, and returns the straight run.
 */
async function resumedEqualsStraight(make: (name: string) => ReturnType<typeof config>, prefix: string) {
  const straight = await train(make(`${prefix}-straight`), { console: false });
  const first = await train(make(`${prefix}-resumed`), { console: false, stopAfterEpochs: 1 });
  const resumed = await train(null, { resume: first.runDir, console: false });
  assert.equal(resumed.epochs, 3);
  const a = weights(straight.runDir),
    b = weights(resumed.runDir);
  for (const [k, va] of a) assert.deepEqual(b.get(k), va, `${k}: resumed differs`);
  return { straight, weights: a };
}

test('bf16-mixed: resumed equals uninterrupted, and it trains as float32 does, not identically', async () => {
  const mixed = (name: string) => config(name, { precision: 'bf16-mixed' });
  const { straight, weights: a } = await resumedEqualsStraight(mixed, 'bf16');
  // against the float32 run of the same seed: other weights (the forward pass ran in bfloat16), the same learning
  const fp32 = await referenceRun();
  const w32 = weights(fp32.runDir);
  let differ = 0;
  for (const [k, va] of a) differ += va.filter((v, i) => v !== w32.get(k)![i]).length;
  assert.ok(differ > 0, 'bf16-mixed gave the float32 weights exactly: autocast did nothing');
  const loss = (r: typeof straight) => r.history.map((h) => h.train_loss);
  assert.ok(loss(straight)[2] < loss(straight)[0], `bf16 loss ${loss(straight)}`);
  loss(straight).forEach((l, i) =>
    assert.ok(Math.abs(l - loss(fp32)[i]) < 0.1, `epoch ${i}: bf16 ${l} vs float32 ${loss(fp32)[i]}`),
  );
});

test('channels_last: resumed equals uninterrupted, and its checkpoints hold the weights in PyTorch order', async () => {
  const nhwc = (name: string) => config(name, { memory_format: 'channels_last' });
  const { straight, weights: a } = await resumedEqualsStraight(nhwc, 'cl');
  // Against the NCHW run of the same seed: the same weights to float rounding (other convolution kernels), which a
  // checkpoint written in memory order (NHWC) would not be.
  const nchw = weights((await referenceRun()).runDir);
  let worst = 0;
  for (const [k, va] of a) va.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - nchw.get(k)![i]))));
  assert.ok(worst < 1e-4, `channels_last and NCHW runs differ by up to ${worst}`);
  // loadRun lays the network out as its config says, and scores as the NCHW run does
  const loaded = loadRun(straight.runDir, { checkpoint: 'last' });
  const conv = loaded.model.namedParameters().find(([, t]) => t.ndim === 4)![1];
  assert.equal(conv.memoryFormat(), 'channels_last');
  const x = new Float32Array(4 * 3 * 16 * 16);
  for (let i = 0; i < 4; i++) x.set(toyCutout(i % 2 === 0, 200 + i), i * 3 * 16 * 16);
  const shape: [number, number, number, number] = [4, 3, 16, 16];
  const ours = batchLogits(loaded.model, { x, shape });
  const theirs = batchLogits(loadRun((await referenceRun()).runDir, { checkpoint: 'last' }).model, {
    x,
    shape,
  });
  ours.forEach((v, i) => assert.ok(Math.abs(v - theirs[i]) < 1e-3, `logit ${i}: ${v} vs ${theirs[i]}`));
});

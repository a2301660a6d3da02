// Memory stays flat over a long training run: a small CNN (Conv2d/BatchNorm2d/ReLU/MaxPool2d/Linear, AdamW,
// BCE with logits) trained 2,000 steps with one scope per step keeps resident memory flat after warm-up and
// returns the live-handle count to its baseline; tensors dropped outside any scope are reclaimed by the GC
// finalizers, driven by the external-memory accounting (no global.gc in this process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchNorm2d,
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
} from '../../src/torch/nn/index.js';
import { AdamW } from '../../src/torch/optim/index.js';
import * as F from '../../src/torch/functional.js';
import { Generator, rand, randn } from '../../src/torch/random.js';
import { zeros } from '../../src/torch/creation.js';
import { liveTensorCount, scope } from '../../src/torch/scope.js';
import { setNumThreads } from '../../src/torch/threads.js';

const MB = 1024 * 1024;

function smallCnn(gen: Generator): Module {
  return new Sequential(
    new Conv2d(3, 8, 3, { padding: 1, generator: gen }),
    new BatchNorm2d(8),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(8, 16, 3, { padding: 1, generator: gen }),
    new BatchNorm2d(16),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * 4 * 4, 1, { generator: gen }),
  );
}

test('2,000 training steps keep RSS flat (< 50 MB growth after step 200) and free every temporary', async (t) => {
  setNumThreads(1);
  const gen = new Generator(7);
  const model = smallCnn(gen);
  const opt = new AdamW(model.parameters(), { lr: 1e-3 });
  const baseline = liveTensorCount();
  let rssAt200 = 0;
  let firstLoss = NaN;
  let lastLoss = NaN;
  const x = randn([8, 3, 16, 16], { generator: gen }).keep();
  const y = scope(() => rand([8, 1], { generator: gen }).gt(0.5).float()).keep();
  for (let step = 1; step <= 2000; step++) {
    const loss = scope(() => {
      // A fresh batch each step, like a data loader: its tensors must be freed too.
      const xb = x.add(randn([8, 3, 16, 16], { generator: gen }), 0.1);
      opt.zeroGrad();
      const l = F.binaryCrossEntropyWithLogits(model.call(xb), y);
      l.backward();
      opt.step();
      return l.item();
    });
    // A real loop awaits its next batch; Node 20 runs Node-API finalizers (which free the small native records
    // of disposed handles, ~10 KB a step here) only when the event loop turns.
    if (step % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    if (step === 1) firstLoss = loss;
    lastLoss = loss;
    if (step === 200) rssAt200 = process.memoryUsage().rss;
  }
  const growth = process.memoryUsage().rss - rssAt200;
  t.diagnostic(`RSS growth between step 200 and 2000: ${(growth / MB).toFixed(1)} MB`);
  assert.ok(growth < 50 * MB, `RSS grew ${(growth / MB).toFixed(1)} MB between step 200 and step 2000`);
  assert.ok(lastLoss < firstLoss, `the model learned the fixed labels (loss ${firstLoss} -> ${lastLoss})`);
  // Gradients and the optimizer's moments persist across steps; after dropping them the count is the baseline.
  opt.zeroGrad();
  opt.disposeState();
  x.dispose();
  y.dispose();
  assert.equal(liveTensorCount(), baseline);
});

test('2,000 dropped 1 MB tensors made outside any scope are reclaimed by GC without global.gc', async (t) => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  const rss0 = process.memoryUsage().rss;
  const live0 = liveTensorCount();
  let peak = 0;
  for (let i = 0; i < 2000; i++) {
    // 1 MB each (262,144 float32), written so the pages are resident; never disposed.
    zeros([262144]).fill_(i);
    // Node 20 runs Node-API finalizers from the event loop after a GC (not inside it), so a loop that drops
    // tensors must let the loop turn, as a training loop awaiting its next batch does.
    if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
    if (i % 100 === 99) peak = Math.max(peak, process.memoryUsage().rss - rss0);
  }
  t.diagnostic(`peak RSS growth: ${(peak / MB).toFixed(0)} MB; still alive: ${liveTensorCount() - live0}`);
  // 2 GB were allocated in all; the external-memory accounting makes V8 collect them well before that.
  assert.ok(peak < 500 * MB, `RSS grew up to ${(peak / MB).toFixed(0)} MB for 2000 dropped 1 MB tensors`);
  assert.ok(
    liveTensorCount() - live0 < 500,
    `${liveTensorCount() - live0} of 2000 dropped tensors still alive`,
  );
});

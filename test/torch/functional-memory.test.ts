// A training-like step made of F ops inside scope() frees every tensor it made: live handles stay flat over
// many steps, and batchNorm's in-place running statistics stay the caller's tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ones, zeros } from '../../src/torch/creation.js';
import { Generator, randn } from '../../src/torch/random.js';
import { liveTensorCount, scope } from '../../src/torch/scope.js';
import * as F from '../../src/torch/functional.js';

test('F ops with backward inside scope leave no live tensors behind', () => {
  const gen = new Generator(3);
  const w = randn([4, 2, 3, 3], { generator: gen }).requiresGrad_();
  const fc = randn([3, 4], { generator: gen }).requiresGrad_();
  const runningMean = zeros([4]);
  const runningVar = ones([4]);
  const x = randn([2, 2, 8, 8], { generator: gen });
  const target = zeros([2], { dtype: 'int64' });
  const step = () =>
    scope(() => {
      let h = F.conv2d(x, w, undefined, { padding: 1 });
      h = F.relu(F.batchNorm(h, runningMean, runningVar, undefined, undefined, { training: true }));
      h = F.adaptiveAvgPool2d(F.maxPool2d(h, 2), 1).flatten(1);
      const loss = F.crossEntropy(F.linear(F.dropout(h, 0.1, true, gen), fc), target, {
        labelSmoothing: 0.1,
      });
      loss.backward();
      return loss.item();
    });
  step();
  const before = liveTensorCount();
  for (let i = 0; i < 50; i++) assert.ok(Number.isFinite(step()));
  assert.equal(liveTensorCount(), before);
  // 51 momentum updates moved the running mean away from its initial zeros.
  assert.ok(Array.from(runningMean.toArray()).some((v) => v !== 0));
});

// Misuse of F ops throws a LensfindError naming the op and the shapes (libtorch's message kept); the process
// survives and keeps computing. Also dropout's behaviour (identity in eval, seeded masks, scaling, gradient).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LensfindError } from '../../src/errors.js';
import { ones, tensor } from '../../src/torch/creation.js';
import { Generator } from '../../src/torch/random.js';
import * as F from '../../src/torch/functional.js';

test('conv2d with mismatched channels throws an Error naming both shapes, and the engine keeps working', () => {
  const x = ones([1, 3, 5, 5]);
  const w = ones([4, 4, 3, 3]);
  assert.throws(
    () => F.conv2d(x, w),
    (e: unknown) =>
      e instanceof LensfindError &&
      /F\.conv2d/.test(e.message) &&
      /\[1, 3, 5, 5\]/.test(e.message) &&
      /\[4, 4, 3, 3\]/.test(e.message) &&
      /channels/.test(e.message),
  );
  const y = F.conv2d(x, ones([2, 3, 3, 3]));
  assert.deepEqual(y.shape, [1, 2, 3, 3]);
  assert.deepEqual(Array.from(y.toArray()).slice(0, 2), [27, 27]);
});

test('bad options are rejected with a message saying what was expected', () => {
  const x = ones([1, 1, 4, 4]);
  assert.throws(() => F.interpolate(x, { size: 8, scaleFactor: 2 }), /exactly one of size and scaleFactor/);
  assert.throws(() => F.interpolate(x, { size: 8, mode: 'nearest', alignCorners: true }), /alignCorners/);
  const grid = ones([1, 2, 2, 2]);
  assert.throws(() => F.gridSample(x, grid, { paddingMode: 'mirror' as never }), /paddingMode 'mirror'/);
  assert.throws(() => F.mseLoss(x, x, { reduction: 'avg' as never }), /reduction 'avg'/);
  assert.throws(() => F.conv2d(x, ones([1, 1, 3, 3]), undefined, { stride: [1, 2, 3] as never }), /stride/);
  assert.throws(() => F.dropout(x, 1.5), /p must be in \[0, 1\]/);
  assert.throws(() => F.dropout(x, 0.5, true, {} as never), /generator must be a Generator/);
});

test('dropout: identity when not training or p = 0', () => {
  const x = tensor([1, -2, 3, 4], { shape: [2, 2] });
  assert.deepEqual(Array.from(F.dropout(x, 0.5, false).toArray()), [1, -2, 3, 4]);
  assert.deepEqual(Array.from(F.dropout(x, 0, true).toArray()), [1, -2, 3, 4]);
});

test('dropout with a Generator: same seed gives the same mask, kept values scaled by 1/(1-p)', () => {
  const p = 0.3;
  const x = tensor(
    Array.from({ length: 4000 }, (_, i) => 1 + (i % 7)),
    { shape: [40, 100], requiresGrad: true },
  );
  const a = F.dropout(x, p, true, new Generator(42));
  const b = Array.from(F.dropout(x, p, true, new Generator(42)).toArray());
  const c = Array.from(F.dropout(x, p, true, new Generator(43)).toArray());
  const av = Array.from(a.toArray());
  assert.deepEqual(av, b);
  assert.notDeepEqual(av, c);
  const xs = Array.from(x.toArray());
  let zeros = 0;
  for (let i = 0; i < av.length; i++) {
    if (av[i] === 0) zeros++;
    else assert.ok(Math.abs(av[i] - xs[i] / (1 - p)) < 1e-5, `element ${i}: ${av[i]} vs ${xs[i] / (1 - p)}`);
  }
  // 4000 Bernoulli(0.3) draws: standard deviation of the fraction is 0.007.
  assert.ok(Math.abs(zeros / av.length - p) < 0.03, `dropped fraction ${zeros / av.length}`);
  a.sum().backward();
  const g = Array.from(x.grad!.toArray());
  for (let i = 0; i < av.length; i++) assert.equal(g[i], av[i] === 0 ? 0 : Math.fround(1 / (1 - p)));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  autocast,
  defaultThreads,
  fromTypedArray,
  Generator,
  isAutocastEnabled,
  randn,
  resolvePrecision,
  cpuHasBf16,
  scope,
} from '../../src/torch/index.js';
import * as F from '../../src/torch/functional.js';

test('autocast: matrix products and convolutions run in bfloat16, elementwise ops stay float32', () => {
  scope(() => {
    const g = new Generator(0);
    const a = randn([16, 32], { generator: g }),
      b = randn([32, 8], { generator: g });
    assert.equal(isAutocastEnabled(), false);
    const { mm, add, inside } = autocast(() => ({
      mm: a.matmul(b),
      add: a.add(1),
      inside: isAutocastEnabled(),
    }));
    assert.equal(inside, true);
    assert.equal(isAutocastEnabled(), false, 'the state is restored on leaving');
    assert.equal(mm.dtype, 'bfloat16');
    assert.equal(add.dtype, 'float32');
    assert.equal(a.matmul(b).dtype, 'float32');
    // bfloat16 keeps 8 significant bits: each product's inputs are rounded by at most 2^-9 relative, so the
    // result differs from float32's by at most ~2^-8 of the sum of |a_ik b_kj|
    const exact = a.matmul(b).toFloat32Array(),
      half = mm.toFloat32Array();
    const bound = a.abs().matmul(b.abs()).toFloat32Array();
    let worst = 0;
    exact.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - half[i]) / bound[i])));
    assert.ok(worst < 2 ** -7, `worst relative error ${worst}`);
    assert.ok(worst > 0, 'a bfloat16 product equal to float32 everywhere: no cast happened');
    const x = randn([2, 3, 8, 8], { generator: g }),
      w = randn([4, 3, 3, 3], { generator: g });
    assert.equal(autocast(() => F.conv2d(x, w)).dtype, 'bfloat16');
    // disabled: a plain call
    assert.equal(autocast(() => a.matmul(b), false).dtype, 'float32');
  });
});

test('autocast: nested regions and a throw inside restore the state', () => {
  autocast(() => {
    autocast(() => assert.equal(isAutocastEnabled(), true));
    assert.equal(isAutocastEnabled(), true, 'an inner region does not end the outer');
  });
  assert.throws(() =>
    autocast(() => {
      throw new Error('inside');
    }),
  );
  assert.equal(isAutocastEnabled(), false);
  const t = fromTypedArray(Float32Array.from([1, 2]), [1, 2]);
  assert.equal(t.matmul(t.t()).dtype, 'float32');
});

test('precision auto follows the CPU; default threads are the cores the workers leave', () => {
  assert.equal(resolvePrecision('auto'), cpuHasBf16() ? 'bf16-mixed' : '32');
  assert.equal(resolvePrecision('32'), '32');
  assert.equal(defaultThreads(1, 2), 1);
  assert.equal(defaultThreads(0, 2), 2);
  assert.equal(defaultThreads(4, 2), 1);
  assert.equal(defaultThreads(2, 16), 14);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enableGrad, isGradEnabled, noGrad } from '../../src/torch/autograd.js';
import { ones, tensor } from '../../src/torch/creation.js';
import { assertClose, fixture, load } from './core-fixture.js';

test('composite backward matches torch gradients', () => {
  const f = fixture('backward');
  const x = load(f.x).requiresGrad_();
  const w = load(f.w).requiresGrad_();
  const b = load(f.b).requiresGrad_();
  const h = x.matmul(w).add(b).tanh();
  const loss = h.mul(2).logsumexp(1).add(h.pow(2).sum(1).sqrt()).mean().add(w.abs().sum().mul(0.1));
  assertClose(loss, f.loss, 1e-12, 'loss');
  loss.backward();
  assertClose(x.grad!, f.grad_x, 1e-10, 'grad x');
  assertClose(w.grad!, f.grad_w, 1e-10, 'grad w');
  assertClose(b.grad!, f.grad_b, 1e-10, 'grad b');
});

test('gradients accumulate, can be cleared, and backward takes an explicit gradient', () => {
  const x = tensor([1, 2, 3]).requiresGrad_();
  assert.equal(x.requiresGrad, true);
  assert.equal(x.isLeaf, true);
  assert.equal(x.grad, null);
  x.mul(x).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
  x.mul(3).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [5, 7, 9]);
  x.grad = null;
  assert.equal(x.grad, null);
  x.mul(2).backward(tensor([1, 10, 100]));
  assert.deepEqual(x.grad!.toArray(), [2, 20, 200]);
  x.zeroGrad_();
  assert.equal(x.grad, null);
  x.grad = ones([3]);
  assert.deepEqual(x.grad!.toArray(), [1, 1, 1]);
  assert.throws(() => (x.grad = ones([2])), /assigned grad has shape \[2\]/);
  assert.throws(() => (x.grad = ones([3], { dtype: 'float64' })), /dtype float64/);
  const d = x.mul(2).detach();
  assert.equal(d.requiresGrad, false);
  assert.throws(() => tensor([1]).sum().backward(), /does not require grad/);
});

test('noGrad disables recording and restores the previous mode, even on throw', () => {
  const x = tensor([1, 2]).requiresGrad_();
  assert.equal(isGradEnabled(), true);
  const y = noGrad(() => {
    assert.equal(isGradEnabled(), false);
    assert.equal(enableGrad(() => x.mul(2)).requiresGrad, true);
    return x.mul(2);
  });
  assert.equal(y.requiresGrad, false);
  assert.equal(isGradEnabled(), true);
  assert.throws(() =>
    noGrad(() => {
      throw new Error('boom');
    }),
  );
  assert.equal(isGradEnabled(), true);
  // in-place update of a leaf is allowed under noGrad (what optimizers do)
  noGrad(() => x.sub_(tensor([1, 1])));
  assert.deepEqual(x.toArray(), [0, 1]);
  assert.equal(x.requiresGrad, true);
});

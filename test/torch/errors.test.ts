import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ones, tensor, zeros } from '../../src/torch/creation.js';

test('libtorch errors become JS errors with its message, and the process continues', () => {
  assert.throws(
    () => zeros([2, 3]).matmul(zeros([4, 5])),
    (e: unknown) => e instanceof Error && /2x3/.test(e.message) && /4x5/.test(e.message),
  );
  assert.throws(
    () => ones([2, 3]).add(ones([4])),
    /size of tensor a \(3\) must match the size of tensor b \(4\)/,
  );
  assert.throws(() => ones([2, 3]).view(5), /shape '\[5\]' is invalid for input of size 6/);
  assert.throws(() => ones([2]).gather(0, tensor([5], { dtype: 'int64' })), /out of bounds|index/);
  assert.throws(() => ones([2]).to('float17' as never), /device|dtype|float17/);
  // the engine still works afterwards
  assert.deepEqual(ones([2]).add(1).toArray(), [2, 2]);
});

test('using a disposed tensor throws a clear error', () => {
  const t = ones([2]);
  t.dispose();
  assert.equal(t.isDisposed, true);
  assert.throws(() => t.add(1), /disposed/);
  assert.throws(() => ones([2]).add(t), /disposed/);
});

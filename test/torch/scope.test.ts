import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ones, tensor, zeros } from '../../src/torch/creation.js';
import { keep, liveTensorCount, scope, tidy } from '../../src/torch/scope.js';
import { randn } from '../../src/torch/random.js';

test('scope frees every tensor made inside except the returned one', () => {
  const base = liveTensorCount();
  const x = ones([4]);
  const y = scope(() => {
    const a = x.mul(2);
    const b = a.add(1).exp();
    b.sum();
    return b.sub(a);
  });
  assert.equal(liveTensorCount(), base + 2); // x and y
  assert.equal(y.isDisposed, false);
  assert.equal(y.numel(), 4);
  y.dispose();
  y.dispose(); // idempotent
  x.dispose();
  assert.equal(liveTensorCount(), base);
  assert.throws(() => y.shape, /disposed/);
});

test('returned arrays, objects and Maps of tensors survive; kept tensors survive; the rest is freed', () => {
  const base = liveTensorCount();
  let kept = zeros([1]);
  const out = scope(() => {
    kept = keep(zeros([2]));
    ones([3]).mul(2);
    return { pair: [zeros([1]), ones([1])], m: new Map([['a', zeros([5])]]), n: 3 };
  });
  assert.equal(out.pair[1].item(), 1);
  assert.equal(out.m.get('a')!.numel(), 5);
  assert.equal(kept.numel(), 2);
  assert.equal(liveTensorCount(), base + 5); // first `kept` zeros([1]) outside, kept zeros([2]), 3 returned
  for (const t of [...out.pair, out.m.get('a')!, kept]) t.dispose();
});

test('nested scopes hand returned tensors to the parent, which frees them unless returned again', () => {
  const base = liveTensorCount();
  let innerResult = zeros([0]);
  innerResult.dispose();
  const outer = scope(() => {
    innerResult = scope(() => randn([3]).mul(2));
    assert.equal(innerResult.isDisposed, false);
    return innerResult.add(1);
  });
  assert.equal(innerResult.isDisposed, true); // freed by the outer scope
  assert.equal(outer.isDisposed, false);
  outer.dispose();
  assert.equal(liveTensorCount(), base);
});

test('a throwing scope frees what it made and rethrows', () => {
  const base = liveTensorCount();
  assert.throws(
    () =>
      tidy(() => {
        const a = ones([2, 3]);
        return a.matmul(ones([2, 3]));
      }),
    /shapes cannot be multiplied/,
  );
  assert.equal(liveTensorCount(), base);
});

test('memory stays flat over many scoped steps', () => {
  const w = tensor([0.5, -0.25]).requiresGrad_();
  const base = liveTensorCount();
  for (let i = 0; i < 200; i++) {
    scope(() => {
      const loss = w
        .mul(tensor([1, 2]))
        .square()
        .sum();
      loss.backward();
      w.grad!.mul(0.01);
    });
  }
  assert.equal(liveTensorCount(), base);
  w.dispose();
});

test('an async function is refused (scopes are synchronous)', () => {
  const base = liveTensorCount();
  assert.throws(() => scope(async () => zeros([1])), /synchronous/);
  assert.equal(liveTensorCount(), base);
});

test('unreferenced tensors outside any scope are freed by the garbage collector', async () => {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const base = liveTensorCount();
  (() => {
    for (let i = 0; i < 100; i++) ones([64]).mul(2);
  })();
  assert.ok(liveTensorCount() >= base + 100);
  for (let i = 0; i < 10 && liveTensorCount() > base + 10; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  assert.ok(liveTensorCount() <= base + 10, `live ${liveTensorCount() - base} after gc`);
});

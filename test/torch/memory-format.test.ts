import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, nn, optim, randn, scope, zerosLike, type Tensor } from '../../src/torch/index.js';
import * as F from '../../src/torch/functional.js';

test('channels_last: NHWC strides, the same values, and *_like keeps the layout', () => {
  scope(() => {
    const x = randn([2, 3, 4, 5], { generator: new Generator(0) });
    assert.equal(x.memoryFormat(), 'contiguous_format');
    const cl = x.to({ memoryFormat: 'channels_last' });
    assert.equal(cl.memoryFormat(), 'channels_last');
    // [N, C, H, W] with channels fastest: C = 3, W * C = 15, H * W * C = 60
    assert.deepEqual(cl.stride(), [60, 1, 15, 3]);
    assert.deepEqual(cl.shape, [2, 3, 4, 5]);
    assert.deepEqual(cl.toArray(), x.toArray());
    assert.equal(zerosLike(cl).memoryFormat(), 'channels_last');
    assert.deepEqual(cl.to({ memoryFormat: 'contiguous_format' }).stride(), [60, 20, 5, 1]);
    assert.equal(x.transpose(2, 3).memoryFormat(), 'strided');
    assert.throws(
      () => randn([3]).to({ memoryFormat: 'channels_last' }),
      /channels_last needs a 4-D tensor, got 1-D/,
    );
  });
});

function convNet(seed: number): nn.Sequential {
  const g = new Generator(seed);
  return new nn.Sequential(
    // no bias: before BatchNorm its gradient is float noise, which Adam would scale up to full steps
    new nn.Conv2d(3, 8, 3, { padding: 1, bias: false, generator: g }),
    new nn.BatchNorm2d(8),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(8 * 6 * 6, 2, { generator: g }),
  );
}

test('Module.to({ memoryFormat }) lays out the 4-D weights only; outputs and gradients match NCHW', () => {
  scope(() => {
    const a = convNet(1);
    const b = convNet(1).to({ memoryFormat: 'channels_last' });
    const params = (m: nn.Module) => new Map(m.namedParameters());
    assert.equal(params(b).get('0.weight')!.memoryFormat(), 'channels_last');
    assert.equal(params(b).get('0.weight')!.requiresGrad, true);
    assert.equal(params(b).get('4.weight')!.memoryFormat(), 'contiguous_format');
    const x = randn([4, 3, 6, 6], { generator: new Generator(2) });
    const ya = a.call(x),
      yb = b.call(x);
    close(yb, ya, 1e-5, 'forward');
    ya.sum().backward();
    yb.sum().backward();
    const gb = params(b).get('0.weight')!.grad!;
    assert.equal(gb.memoryFormat(), 'channels_last', 'the gradient follows the weight');
    close(gb, params(a).get('0.weight')!.grad!, 1e-4, 'conv weight gradient');
  });
});

test('FusedAdamW on channels_last weights takes the steps AdamW takes on NCHW ones', () => {
  scope(() => {
    const a = convNet(3);
    const b = convNet(3).to({ memoryFormat: 'channels_last' });
    const opts = { lr: 0.01, weightDecay: 0.1 };
    const optA = new optim.AdamW(a.parameters(), opts);
    const optB = new optim.FusedAdamW(b.parameters(), opts);
    const g = new Generator(4);
    for (let step = 0; step < 5; step++) {
      const x = randn([4, 3, 6, 6], { generator: g });
      for (const [m, opt] of [
        [a, optA],
        [b, optB],
      ] as const) {
        opt.zeroGrad();
        F.crossEntropy(m.call(x), randn([4, 2], { generator: new Generator(step) }).argmax(1)).backward();
        opt.step();
      }
    }
    const wb = new Map(b.namedParameters()).get('0.weight')!;
    assert.equal(wb.memoryFormat(), 'channels_last');
    // the optimizer's state is laid out as its weight, so the one-pass update applies
    assert.equal((optB.state.get(wb)!.exp_avg as Tensor).memoryFormat(), 'channels_last');
    for (const [k, p] of a.namedParameters()) close(new Map(b.namedParameters()).get(k)!, p, 1e-5, k);
    // and the weights moved: equality of two untrained nets would pass too
    const w0 = new Map(convNet(3).namedParameters()).get('0.weight')!;
    assert.ok(wb.sub(w0).abs().max().item() > 1e-3);
  });
});

function close(actual: Tensor, expected: Tensor, tol: number, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, what);
  const diff = actual.sub(expected).abs().max().item();
  const scale = expected.abs().max().item();
  assert.ok(diff <= tol * (1 + scale), `${what}: max difference ${diff} (scale ${scale})`);
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel } from '../../src/models/registry.js';
import { Generator } from '../../src/torch/random.js';
import { fromTypedArray } from '../../src/torch/creation.js';
import { scope } from '../../src/torch/scope.js';
import { setNumThreads } from '../../src/torch/threads.js';
import { makeLoss } from '../../src/train/losses.js';
import { makeOptimizer } from '../../src/train/optimizer.js';
import { trainConfigSchema } from '../../src/train/schema.js';
import { toyCutout } from './toy-data.js';

test('lensnet overfits one small batch to near-zero loss (BCE and focal)', () => {
  setNumThreads(1);
  const n = 8;
  const per = 3 * 16 * 16;
  const x = new Float32Array(n * per);
  // Labels unrelated to the images' content: only memorising drives the loss to zero.
  const y = Float32Array.from([1, 0, 0, 1, 1, 0, 1, 0]);
  for (let i = 0; i < n; i++) x.set(toyCutout(i % 3 === 0, 500 + i), i * per);
  for (const lossName of ['bce', 'focal'] as const) {
    const cfg = trainConfigSchema.parse({
      data: {},
      loss: { name: lossName },
      optim: { name: 'adam', lr: 0.01 },
    });
    const model = createModel(
      'lensnet',
      { inChannels: 3, imageSize: 16, channels: [16, 32] },
      new Generator(0),
    );
    const optimizer = makeOptimizer(model, cfg.optim);
    const lossFn = makeLoss(cfg.loss, null);
    model.train();
    const losses: number[] = [];
    for (let s = 0; s < 150; s++) {
      losses.push(
        scope(() => {
          const l = lossFn(
            model.forward(fromTypedArray(x, [n, 3, 16, 16])).reshape([-1]),
            fromTypedArray(y, [n]),
          );
          optimizer.zeroGrad();
          l.backward();
          optimizer.step();
          return l.item();
        }),
      );
    }
    assert.ok(losses[0] > (lossName === 'bce' ? 0.5 : 0.05), `${lossName} initial loss ${losses[0]}`);
    assert.ok(losses.at(-1)! < 0.01, `${lossName} final loss ${losses.at(-1)} (from ${losses[0]})`);
    // In eval mode (BatchNorm running statistics) the memorised labels come back too.
    model.eval();
    const logits = scope(() =>
      model
        .forward(fromTypedArray(x, [n, 3, 16, 16]))
        .reshape([-1])
        .toArray(),
    );
    assert.deepEqual(
      logits.map((l) => (l > 0 ? 1 : 0)),
      Array.from(y),
    );
  }
});

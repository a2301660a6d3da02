import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSersicConfig } from '../../src/npe/config.js';
import { makeRenderer, makeSpace, simulateBatch } from '../../src/npe/data.js';
import { buildNet } from '../../src/npe/run.js';
import { SwinBackbone } from '../../src/npe/backbone.js';
import { fromTypedArray } from '../../src/torch/creation.js';
import { Generator } from '../../src/torch/random.js';
import { scope } from '../../src/torch/scope.js';
import { AdamW } from '../../src/torch/optim/index.js';
import { ConfigError } from '../../src/errors.js';

test('swinv2 backbone: the posterior network trains on simulated galaxies (NLL falls over a few steps)', () => {
  const { config } = loadSersicConfig({
    preset: 'quick',
    overrides: ['model.backbone.name=swinv2', 'model.flow.name=coupling', 'model.flow.hidden=32'],
  });
  const space = makeSpace(config);
  const net = buildNet(config, space, new Generator(1));
  assert.ok(net.backbone instanceof SwinBackbone);
  assert.equal(net.backbone.numFeatures, 96);
  const batch = simulateBatch(makeRenderer(config, space), 0, 0, 0, 32);
  const x = fromTypedArray(batch.x, [32, 1, 32, 32]);
  const z = fromTypedArray(space.toZRows(batch.theta, 32).z, [32, space.dim]);
  const opt = new AdamW(
    net.parameters().filter((p) => p.requiresGrad),
    { lr: 1e-3 },
  );
  const nll: number[] = [];
  net.train();
  for (let s = 0; s < 12; s++)
    nll.push(
      scope(() => {
        opt.zeroGrad();
        const loss = net.logProb(x, z).mean().neg();
        loss.backward();
        opt.step();
        return loss.item();
      }),
    );
  assert.ok(nll[11] < nll[0] - 1, `NLL ${nll[0]} -> ${nll[11]}`);
  assert.throws(
    () => loadSersicConfig({ preset: 'quick', overrides: ['model.backbone.name=swinv3'] }),
    (e: unknown) => e instanceof ConfigError && /model\.backbone\.name/.test(e.message),
  );
});

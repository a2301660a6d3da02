import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSersicConfig } from '../../src/npe/config.js';
import { SwinBackbone } from '../../src/npe/backbone.js';
import { ConfigError } from '../../src/errors.js';
import { quickNetNll } from './train-steps.js';

test('swinv2 backbone: the posterior network trains on simulated galaxies (NLL falls over a few steps)', () => {
  const { net, nll } = quickNetNll([
    'model.backbone.name=swinv2',
    'model.flow.name=coupling',
    'model.flow.hidden=32',
  ]);
  assert.ok(net.backbone instanceof SwinBackbone);
  assert.equal(net.backbone.numFeatures, 96);
  assert.ok(nll[11] < nll[0] - 1, `NLL ${nll[0]} -> ${nll[11]}`);
  assert.throws(
    () => loadSersicConfig({ preset: 'quick', overrides: ['model.backbone.name=swinv3'] }),
    (e: unknown) => e instanceof ConfigError && /model\.backbone\.name/.test(e.message),
  );
});

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

test('memory_format channels_last: the CNN backbone laid out NHWC trains as the NCHW one does', () => {
  const nchw = quickNetNll(['memory_format=contiguous_format']);
  const nhwc = quickNetNll(['memory_format=channels_last']);
  const conv = (net: typeof nchw.net) => net.namedParameters().find(([, t]) => t.ndim === 4)![1];
  assert.equal(conv(nchw.net).memoryFormat(), 'contiguous_format');
  assert.equal(conv(nhwc.net).memoryFormat(), 'channels_last');
  // the same network and data: the first NLL agrees to float rounding (other convolution kernels), and the
  // rounding differences stay small over the steps
  assert.ok(Math.abs(nhwc.nll[0] - nchw.nll[0]) < 1e-4, `step 0: ${nhwc.nll[0]} vs ${nchw.nll[0]}`);
  nhwc.nll.forEach((v, i) =>
    assert.ok(Math.abs(v - nchw.nll[i]) < 0.02, `step ${i}: ${v} vs ${nchw.nll[i]}`),
  );
  assert.ok(nhwc.nll[11] < nhwc.nll[0] - 1, `NLL ${nhwc.nll[0]} -> ${nhwc.nll[11]}`);
});

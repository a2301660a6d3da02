import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataConfigSchema } from '../../src/data/index.js';

test('data config defaults', () => {
  const c = dataConfigSchema.parse({});
  assert.equal(c.format, 'auto');
  assert.equal(c.val_fraction, 0.1);
  assert.deepEqual(c.normalization, {
    kind: 'asinh-robust',
    scope: 'dataset',
    softening: 1,
    fit_images: 256,
  });
  assert.deepEqual(c.augmentation, { flip: true, rot90: true, rotate: 0, shift: 0, noise: 0, brightness: 0 });
  assert.equal(c.sampler, 'shuffle');
  assert.equal(c.pos_weight, null);
  assert.equal(c.workers, 2);
  assert.equal(c.prefetch, 4);
  const d = dataConfigSchema.parse({ augmentation: { rotate: 5 }, pos_weight: 'auto', format: 'deeplense' });
  assert.equal(d.augmentation.rotate, 5);
  assert.equal(d.augmentation.flip, true);
  assert.equal(d.pos_weight, 'auto');
});

test('unknown keys and bad values are rejected with the key named', () => {
  const r = dataConfigSchema.safeParse({ augmentation: { flips: true } });
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues[0].path, ['augmentation']);
  assert.match(r.error!.issues[0].message, /flips/);
  assert.equal(dataConfigSchema.safeParse({ sampler: 'weighted' }).success, false);
  assert.equal(dataConfigSchema.safeParse({ pos_weight: -1 }).success, false);
  assert.equal(dataConfigSchema.safeParse({ workers: 1.5 }).success, false);
});

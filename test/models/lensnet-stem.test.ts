import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as F from '../../src/torch/functional.js';
import { fromTypedArray } from '../../src/torch/creation.js';
import { scope } from '../../src/torch/scope.js';
import { createModel } from '../../src/models/index.js';
import { ConfigError } from '../../src/errors.js';
import { Generator, randn } from '../../src/torch/random.js';

test('spaceToDepth: output channel (i * 2 + j) * C + c at (h, w) is pixel (2h + i, 2w + j) of channel c', () => {
  const [B, C, H, W] = [2, 3, 4, 6];
  const x = Float32Array.from({ length: B * C * H * W }, (_, k) => k);
  const y = scope(() => {
    const t = F.spaceToDepth(fromTypedArray(x, [B, C, H, W]), 2);
    assert.deepEqual(t.shape, [B, 4 * C, H / 2, W / 2]);
    return t.toFloat32Array();
  });
  for (let b = 0; b < B; b++)
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        for (let c = 0; c < C; c++)
          for (let h = 0; h < H / 2; h++)
            for (let w = 0; w < W / 2; w++) {
              const out = (((b * 4 * C + (i * 2 + j) * C + c) * H) / 2 + h) * (W / 2) + w;
              assert.equal(y[out], x[((b * C + c) * H + 2 * h + i) * W + 2 * w + j]);
            }
  assert.throws(() => scope(() => F.spaceToDepth(fromTypedArray(x, [B, C, H * W]), 2)), /spaceToDepth/);
});

test('lensnet with the space_to_depth stem: half-resolution blocks, logits per image, odd sizes refused', () => {
  const gen = new Generator(3);
  const model = createModel('lensnet', { imageSize: 32, channels: [8, 16], stem: 'space_to_depth' }, gen);
  model.eval();
  const logits = scope(() => model.call(randn([2, 3, 32, 32], { generator: gen })).shape);
  assert.deepEqual(logits, [2, 1]);
  // the first conv takes the 4 x 3 channels of 2x2 patches
  assert.deepEqual(model.stateDict().get('features.0.0.weight')!.shape, [8, 12, 3, 3]);
  assert.throws(
    () => createModel('lensnet', { imageSize: 33, stem: 'space_to_depth' }, gen),
    (e: unknown) =>
      e instanceof ConfigError &&
      /model\.stem: space_to_depth needs an even image size, got 33/.test(e.message),
  );
});

test('lensnet convs: the k-th conv of block i is features.i.(3k), with its BatchNorm at 3k + 1; counts checked', () => {
  const gen = new Generator(4);
  const model = createModel('lensnet', { imageSize: 16, channels: [4, 8], convs: [1, 3] }, gen);
  const shapes = [...model.stateDict()]
    .filter(([k]) => k.endsWith('.weight') && k.startsWith('features'))
    .map(([k, t]) => `${k} ${t.shape.join('x')}`);
  assert.deepEqual(shapes, [
    'features.0.0.weight 4x3x3x3',
    'features.0.1.weight 4',
    'features.1.0.weight 8x4x3x3',
    'features.1.1.weight 8',
    'features.1.3.weight 8x8x3x3',
    'features.1.4.weight 8',
    'features.1.6.weight 8x8x3x3',
    'features.1.7.weight 8',
  ]);
  model.eval();
  assert.deepEqual(
    scope(() => model.call(randn([2, 3, 16, 16], { generator: gen })).shape),
    [2, 1],
  );
  // one number serves every block
  const same = createModel('lensnet', { imageSize: 16, channels: [4, 8], convs: 2 }, gen);
  assert.equal(same.stateDict().get('features.0.3.weight')!.shape.join('x'), '4x4x3x3');
  assert.throws(
    () => createModel('lensnet', { imageSize: 16, channels: [4, 8], convs: [1, 2, 2] }, gen),
    (e: unknown) =>
      e instanceof ConfigError && /model\.convs: 3 numbers for 2 blocks \(model\.channels\)/.test(e.message),
  );
});

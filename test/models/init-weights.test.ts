// --init-weights: torchvision-named safetensors load into lensfind models, with the head, bands and grid adapted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createModel, loadInitWeights, mapSourceKey } from '../../src/models/index.js';
import { loadSafetensors, saveSafetensors } from '../../src/torch/serialization.js';
import { Generator, randn } from '../../src/torch/random.js';
import { tensor } from '../../src/torch/creation.js';
import { DataError, LensfindError } from '../../src/errors.js';
import type { Tensor } from '../../src/torch/tensor.js';
import { assertClose, fixtures } from './helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'lensfind-init-'));
const resnetFile = path.join(fixtures, 'resnet_w4_imagenet.safetensors');

test('a 3-band, 10-class torchvision ResNet loads into a 5-band one-logit model', () => {
  const weights = loadSafetensors(resnetFile);
  const g = new Generator(1);
  weights.set('fc.weight', randn([10, 32], { generator: g }));
  weights.set('fc.bias', randn([10], { generator: g }));
  const file = path.join(tmp, 'resnet10.safetensors');
  saveSafetensors(file, weights);

  const model = createModel('resnet18', { inChannels: 5, imageSize: 32, width: 4 });
  const fcBefore = model.stateDict().get('fc.weight')!.toArray();
  const report = loadInitWeights(model, file);
  assert.deepEqual(report.adapted, ['conv1.weight']);
  assert.deepEqual(report.skipped, ['fc.weight', 'fc.bias']);
  assert.equal(report.loaded.length, weights.size - 3);
  const sd = model.stateDict();
  assert.deepEqual(sd.get('fc.weight')!.toArray(), fcBefore);
  assertClose(sd.get('layer3.1.bn2.running_var')!, weights.get('layer3.1.bn2.running_var')!, {
    atol: 0,
    rtol: 0,
  });
  // 5 bands from 3: channels repeated cyclically (0,1,2,0,1), scaled by 3/5.
  const w = weights.get('conv1.weight')!; // [4, 3, 7, 7]
  const expected = w.indexSelect(1, tensorOf([0, 1, 2, 0, 1])).mul(3 / 5);
  assertClose(sd.get('conv1.weight')!, expected, { atol: 1e-7, rtol: 1e-6 });
});

test('one band from three sums the channels; fewer bands keep the response to equal bands', () => {
  const model = createModel('resnet18', { inChannels: 1, imageSize: 32, width: 4 });
  loadInitWeights(model, resnetFile);
  const w = loadSafetensors(resnetFile).get('conv1.weight')!;
  assertClose(model.stateDict().get('conv1.weight')!, w.sum(1, true), { atol: 1e-6, rtol: 1e-5 });
});

test('a ViT position embedding is resized to another image size, the class token kept', () => {
  const file = path.join(fixtures, 'vit_tiny_ref.safetensors');
  const opts = { inChannels: 3, patchSize: 4, depth: 2, heads: 2, hidden: 16, mlpDim: 32 };
  const model = createModel('vit_tiny', { ...opts, imageSize: 32 });
  const report = loadInitWeights(model, file);
  assert.deepEqual(report.adapted, ['encoder.pos_embedding']);
  const pos = model.stateDict().get('encoder.pos_embedding')!;
  assert.deepEqual(pos.shape, [1, 65, 16]);
  const src = loadSafetensors(file).get('encoder.pos_embedding')!;
  assertClose(pos.narrow(1, 0, 1), src.narrow(1, 0, 1), { atol: 0, rtol: 0 });
  // A constant grid stays constant under bilinear resizing: check the mean is preserved approximately.
  assert.ok(Math.abs(pos.narrow(1, 1, 64).mean().item() - src.narrow(1, 1, 16).mean().item()) < 0.05);
});

test('mismatched layers, wrong architectures and missing files are clear errors', () => {
  const vit = path.join(fixtures, 'vit_tiny_ref.safetensors');
  assert.throws(
    () => loadInitWeights(createModel('resnet18', { width: 4 }), vit),
    (e: unknown) => e instanceof LensfindError && /missing from the file: conv1\.weight/.test(e.message),
  );
  assert.throws(
    () => loadInitWeights(createModel('resnet18', { width: 8 }), resnetFile),
    (e: unknown) =>
      e instanceof LensfindError &&
      /layer1\.0\.conv1\.weight: file \[4, 4, 3, 3\], model \[8, 8, 3, 3\]/.test(e.message),
  );
  assert.throws(
    () => loadInitWeights(createModel('lensnet'), path.join(tmp, 'nope.safetensors')),
    (e: unknown) => e instanceof DataError && /no such file/.test(e.message),
  );
  const junk = path.join(tmp, 'junk.safetensors');
  writeFileSync(junk, 'not a safetensors file');
  assert.throws(
    () => loadInitWeights(createModel('lensnet'), junk),
    (e: unknown) => e instanceof DataError && /junk\.safetensors/.test(e.message),
  );
});

test('wrapper prefixes and old torchvision ViT names are mapped', () => {
  assert.equal(mapSourceKey('module.layer1.0.conv1.weight'), 'layer1.0.conv1.weight');
  assert.equal(
    mapSourceKey('encoder.layers.encoder_layer_3.mlp.linear_2.bias'),
    'encoder.layers.encoder_layer_3.mlp.3.bias',
  );
});

function tensorOf(values: number[]): Tensor {
  return tensor(values, { dtype: 'int64' });
}

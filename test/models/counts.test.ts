// Parameter counts equal torchvision's (printed by scripts/fixtures/models_reference.py with Debian's torchvision
// 0.14: resnet18 11,689,512, resnet34 21,797,672, vit_b_16 86,567,656 with 1000 classes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countParameters, createModel } from '../../src/models/index.js';

/** torchvision's count with a 1000-class head replaced by one logit: minus (features + 1) * 999. */
const oneLogit = (total: number, features: number) => total - (features + 1) * 1000 + (features + 1);

test('resnet18: body equals torchvision, 11,177,025 parameters with one logit', () => {
  const m = createModel('resnet18', { inChannels: 3, imageSize: 64 });
  assert.equal(countParameters(m), oneLogit(11_689_512, 512));
  assert.equal(countParameters(m), 11_177_025);
  assert.equal(countParameters(m) - 513, 11_689_512 - 513_000); // the body alone
});

test('resnet34: equals torchvision with one logit', () => {
  assert.equal(countParameters(createModel('resnet34', { inChannels: 3 })), oneLogit(21_797_672, 512));
});

test('vit_b_16 at 224x224: equals torchvision with one logit (85,799,425)', () => {
  // Built at depth 1 and 2 (the full 12-layer model takes ~10 s to initialise on a busy machine): the 12-layer
  // count is the depth-1 count plus 11 encoder layers.
  const count = (depth: number) =>
    countParameters(createModel('vit_b_16', { inChannels: 3, imageSize: 224, depth }));
  const one = count(1);
  const perLayer = count(2) - one;
  assert.equal(
    perLayer,
    4 * 768 + (3 * 768 * 768 + 3 * 768) + (768 * 768 + 768) + 2 * 768 * 3072 + 3072 + 768,
  );
  assert.equal(one + 11 * perLayer, oneLogit(86_567_656, 768));
});

test('lensnet: about 100k parameters (analytic count)', () => {
  const m = createModel('lensnet', { inChannels: 3 });
  const convs = 3 * 16 * 9 + 16 * 32 * 9 + 32 * 64 * 9 + 64 * 128 * 9;
  const bns = 2 * (16 + 32 + 64 + 128);
  assert.equal(countParameters(m), convs + bns + 129);
});

test('extra bands change only the first convolution', () => {
  const a = countParameters(createModel('resnet18', { inChannels: 3 }));
  const b = countParameters(createModel('resnet18', { inChannels: 5 }));
  assert.equal(b - a, 2 * 64 * 7 * 7);
});

// Forward outputs equal PyTorch's (torchvision layouts) on the fixtures of scripts/fixtures/models_reference.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createModel } from '../../src/models/index.js';
import { loadSafetensors } from '../../src/torch/serialization.js';
import { noGrad } from '../../src/torch/autograd.js';
import { assertClose, fixtures } from './helpers.js';

const cases = [
  {
    name: 'resnet_w4_imagenet',
    model: 'resnet18',
    options: { inChannels: 3, imageSize: 32, width: 4, stem: 'imagenet' },
    train: true,
  },
  {
    name: 'resnet_w4_small',
    model: 'resnet18',
    options: { inChannels: 5, imageSize: 16, width: 4, stem: 'small' },
    train: true,
  },
  {
    name: 'vit_tiny_ref',
    model: 'vit_tiny',
    options: { inChannels: 3, imageSize: 16, patchSize: 4, depth: 2, heads: 2, hidden: 16, mlpDim: 32 },
    train: false,
  },
];

for (const c of cases) {
  test(`${c.name}: state dict keys and forward outputs equal PyTorch's`, () => {
    const weights = loadSafetensors(path.join(fixtures, `${c.name}.safetensors`));
    const io = loadSafetensors(path.join(fixtures, `${c.name}.io.safetensors`));
    const model = createModel(c.model, c.options);
    assert.deepEqual([...model.stateDict().keys()], [...weights.keys()]);
    model.loadStateDict(weights, { strict: true });
    model.eval();
    noGrad(() => assertClose(model.call(io.get('input')!), io.get('output')!));
    if (c.train) {
      model.train();
      noGrad(() => assertClose(model.call(io.get('input')!), io.get('output_train')!));
    }
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRunFolder, runName } from '../../src/train/run-folder.js';

test('run names list the overridden options with short aliases', () => {
  assert.equal(runName('resnet18', { optim: { lr: 0.001 }, batch_size: 64 }), 'resnet18_lr0.001_bs64');
  assert.equal(runName('vit_tiny', {}), 'vit_tiny');
  assert.equal(
    runName('hybrid', { model: { name: 'hybrid', depth: 4 }, data: { path: '/x/y' } }),
    'hybrid_depth4',
  );
  // Words get a hyphen (`namestep` before); generic keys (name, kind) read as their section.
  assert.equal(
    runName('lensnet', {
      schedule: { name: 'step' },
      optim: { name: 'sgd' },
      data: { normalization: { kind: 'per-image' }, augmentation: { flip: false } },
      model: { channels: [8, 16], init_weights: '/w/r18-imagenet.safetensors' },
    }),
    'lensnet_schedule-step_opt-sgd_normalization-per-image_flip-false_channels8-16_init-r18-imagenet',
  );
  // Runtime-only settings change speed, not what is learnt: not in the name.
  assert.equal(
    runName('lensnet', {
      threads: 1,
      data: { workers: 0, prefetch: 2, format: 'deeplense' },
      eval_batch_size: 8,
      run: { tensorboard: false },
      epochs: 1,
    }),
    'lensnet_ep1',
  );
});

test('run folders never overwrite each other', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'lensfind-runs-'));
  const a = createRunFolder(root, 'lensnet');
  const b = createRunFolder(root, 'lensnet');
  const c = createRunFolder(root, 'lensnet');
  assert.deepEqual(
    [a, b, c].map((d) => path.basename(d)),
    ['lensnet', 'lensnet_2', 'lensnet_3'],
  );
});

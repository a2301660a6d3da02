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

// Runs saved before every config key was snake_case still load: evaluate, predict and resume read config.yaml
// through readRunConfig, which renames the old camelCase keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { upgradeRunConfig } from '../../src/train/config-upgrade.js';
import { readRunConfig } from '../../src/train/run-folder.js';
import { loadRun } from '../../src/infer/load-run.js';
import { train } from '../../src/train/trainer.js';
import { evaluateRun } from '../../src/eval/evaluate-run.js';
import { tinyRun } from '../predict/tiny-run.js';

test('upgradeRunConfig renames the old data keys and camelCase model options, and nothing else', () => {
  const old = {
    seed: 3,
    data: {
      valFraction: 0.3,
      posWeight: 'auto',
      format: 'auto',
      normalization: { kind: 'dataset', fitImages: 8 },
    },
    model: { name: 'hybrid', arcAttention: true, cnnChannels: [8, 16], init_weights: null },
    optim: { weight_decay: 0 },
  };
  assert.deepEqual(upgradeRunConfig(old), {
    seed: 3,
    data: {
      val_fraction: 0.3,
      pos_weight: 'auto',
      format: 'auto',
      normalization: { kind: 'dataset', fit_images: 8 },
    },
    model: { name: 'hybrid', arc_attention: true, cnn_channels: [8, 16], init_weights: null },
    optim: { weight_decay: 0 },
  });
  // The input is not modified; a file with both spellings keeps the new one.
  assert.equal(old.data.valFraction, 0.3);
  assert.deepEqual(upgradeRunConfig({ data: { valFraction: 0.3, val_fraction: 0.2 } }), {
    data: { val_fraction: 0.2 },
  });
});

test('a run whose config.yaml has the old camelCase keys evaluates, loads and resumes', async () => {
  const { runDir, dataDir } = await tinyRun('old-keys', { epochs: 1 });
  const file = path.join(runDir, 'config.yaml');
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^ {2}val_fraction: 0\.1$/m);
  // As the trainer of the earlier release wrote it (val fraction 0.3 to see that it is the one read).
  const old = text
    .replace(/^ {2}val_fraction: 0\.1$/m, '  valFraction: 0.3')
    .replace(/^ {2}pos_weight: null$/m, '  posWeight: auto')
    .replace(/^ {4}fit_images: 16$/m, '    fitImages: 16');
  assert.match(old, /^epochs: 1$/m);
  assert.notEqual(old, text);
  assert.doesNotMatch(old, /val_fraction|pos_weight|fit_images/);
  writeFileSync(file, old);

  const config = readRunConfig(runDir);
  assert.equal(config.data.val_fraction, 0.3);
  assert.equal(config.data.pos_weight, 'auto');
  assert.equal(config.data.normalization.fit_images, 16);
  assert.equal(loadRun(runDir).config.data.val_fraction, 0.3);

  const evaluated = await evaluateRun(runDir, {
    data: dataDir,
    split: 'test',
    bootstrap: 0,
    workers: 0,
    plots: false,
  });
  assert.equal(evaluated.scores.labels.length, 16 + 16);

  // Resume trains a second epoch with the upgraded config.
  writeFileSync(file, old.replace(/^epochs: 1$/m, 'epochs: 2'));
  const resumed = await train(null, { resume: runDir, console: false });
  assert.equal(resumed.epochs, 2);
  assert.equal(resumed.interrupted, false);
});

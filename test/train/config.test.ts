import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { loadTrainConfig, TRAIN_PRESETS } from '../../src/train/config.js';
import { train } from '../../src/train/trainer.js';
import { trainConfigSchema } from '../../src/train/schema.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

test('every preset loads and validates, with its model options', () => {
  for (const preset of TRAIN_PRESETS) {
    const { config, overridden } = loadTrainConfig({ preset, overrides: ['data.path=/tmp/x'] });
    assert.equal(config.data.path, '/tmp/x');
    assert.deepEqual(overridden, { data: { path: '/tmp/x' } });
  }
  assert.equal(loadTrainConfig({ preset: 'resnet18' }).config.model.name, 'resnet18');
});

test('layers apply in order: preset < YAML file < --set < flags; the command line may not contradict itself', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-cfg-'));
  const file = path.join(dir, 'mine.yaml');
  writeFileSync(file, 'epochs: 4\noptim: { lr: 0.01 }\nbatch_size: 32\n');
  const { config, overridden } = loadTrainConfig({
    preset: 'quick',
    file,
    overrides: ['optim.lr=3e-4'],
    flags: { batch_size: 8 },
  });
  const err = configError(() =>
    loadTrainConfig({ preset: 'quick', file, overrides: ['batch_size=16'], flags: { batch_size: 8 } }),
  );
  assert.equal(err.field, 'batch_size');
  assert.match(err.message, /given 2 times on the command line/);
  assert.equal(config.epochs, 4);
  assert.equal(config.optim.lr, 3e-4);
  assert.equal(config.batch_size, 8);
  assert.equal(config.optim.name, 'adamw'); // from the preset
  assert.deepEqual(overridden, { epochs: 4, optim: { lr: 3e-4 }, batch_size: 8 });
});

test('unknown keys are rejected with the key named', () => {
  let err = configError(() => loadTrainConfig({ preset: 'quick', overrides: ['optim.lrr=0.1'] }));
  assert.equal(err.field, 'optim.lrr');
  assert.match(err.message, /optim\.lrr: unknown key.*--set optim\.lrr=0\.1/);
  err = configError(() => loadTrainConfig({ preset: 'quick', overrides: ['data.augmentation.flipp=true'] }));
  assert.equal(err.field, 'data.augmentation.flipp');
  err = configError(() => loadTrainConfig({ preset: 'quick', overrides: ['epochz=3'] }));
  assert.equal(err.field, 'epochz');
  // The model section is checked by the network's own schema.
  err = configError(() => loadTrainConfig({ preset: 'quick', overrides: ['model.chanels=[8,16]'] }));
  assert.equal(err.field, 'model.chanels');
  err = configError(() => loadTrainConfig({ preset: 'quick', overrides: ['model.name=resnet19'] }));
  assert.equal(err.field, 'model.name');
  assert.match(err.message, /resnet19.*resnet18/);
});

test('invalid values are rejected naming the field and what was expected', () => {
  let err = configError(() => loadTrainConfig({ preset: 'quick', overrides: ['optim.lr=-1'] }));
  assert.equal(err.field, 'optim.lr');
  assert.match(err.message, /optim\.lr: .*(>0|positive|greater)/i);
  err = configError(() => loadTrainConfig({ preset: 'quick', overrides: ['schedule.name=linear'] }));
  assert.equal(err.field, 'schedule.name');
  assert.match(err.message, /cosine/);
  err = configError(() => loadTrainConfig({ preset: 'quick', flags: { batch_size: 2.5 } }));
  assert.equal(err.field, 'batch_size');
  assert.match(err.message, /command-line flags/);
  err = configError(() => loadTrainConfig({ preset: 'quick', overrides: ['model.dropout=1.5'] }));
  assert.equal(err.field, 'model.dropout');
  err = configError(() => loadTrainConfig({ preset: 'nope' }));
  assert.equal(err.field, 'preset');
});

test('train() checks the model options before creating a run folder', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'lensfind-runs-'));
  const config = trainConfigSchema.parse({
    data: { path: '/nonexistent' },
    model: { name: 'lensnet', depthh: 3 },
    run: { dir: root },
  });
  await assert.rejects(
    () => train(config, { console: false }),
    (e: unknown) => e instanceof ConfigError && e.field === 'model.depthh',
  );
  assert.deepEqual(readdirSync(root), []);
});

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

test('every key is snake_case: a camelCase key is refused naming the key as written and its new spelling', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-cfg-'));
  const file = path.join(dir, 'old.yaml');
  writeFileSync(file, 'data:\n  valFraction: 0.2\n  normalization: { fitImages: 8 }\n');
  let err = configError(() => loadTrainConfig({ preset: 'quick', file }));
  assert.ok(['data.valFraction', 'data.normalization.fitImages'].includes(err.field ?? ''), err.field);
  assert.match(
    err.message,
    /data\.valFraction: config keys are snake_case: write data\.val_fraction \(from .*old\.yaml\)/,
  );
  assert.match(err.message, /data\.normalization\.fitImages: .*write data\.normalization\.fit_images/);
  err = configError(() => loadTrainConfig({ preset: 'quick', overrides: ['data.posWeight=auto'] }));
  assert.match(err.message, /data\.posWeight: .*write data\.pos_weight \(from --set data\.posWeight=auto\)/);
  const { config } = loadTrainConfig({
    preset: 'quick',
    overrides: ['data.val_fraction=0.2', 'data.pos_weight=auto', 'data.normalization.fit_images=8'],
  });
  assert.equal(config.data.val_fraction, 0.2);
  assert.equal(config.data.pos_weight, 'auto');
  assert.equal(config.data.normalization.fit_images, 8);
  // Network options too: errors name the key as the user wrote it.
  err = configError(() => loadTrainConfig({ preset: 'vit', overrides: ['model.patch_size=0'] }));
  assert.equal(err.field, 'model.patch_size');
  assert.match(err.message, /model\.patch_size: /);
  assert.doesNotMatch(err.message, /patchSize/);
  err = configError(() => loadTrainConfig({ preset: 'vit', overrides: ['model.patchSize=4'] }));
  assert.equal(err.field, 'model.patchSize');
  assert.match(err.message, /model\.patchSize: config keys are snake_case: write model\.patch_size/);
  assert.equal(
    loadTrainConfig({ preset: 'vit', overrides: ['model.patch_size=4'] }).config.model.patch_size,
    4,
  );
});

test("an unknown key's error lists the valid keys of its section, the model's options included", () => {
  let err = configError(() =>
    loadTrainConfig({ preset: 'quick', overrides: ['data.normalization.softning=2'] }),
  );
  assert.match(err.message, /valid keys here: kind, scope, softening, fit_images\b/);
  err = configError(() => loadTrainConfig({ preset: 'hybrid', overrides: ['model.arc_atention=true'] }));
  assert.equal(err.field, 'model.arc_atention');
  const listed = /valid keys here: ([^)]*)\)/.exec(err.message)?.[1].split(', ') ?? [];
  for (const key of [
    'name',
    'init_weights',
    'arc_attention',
    'cnn_channels',
    'mlp_dim',
    'in_channels',
    'image_size',
  ])
    assert.ok(listed.includes(key), `${key} in ${err.message}`);
  assert.ok(
    listed.every((k) => k === k.toLowerCase()),
    `snake_case only: ${listed.join(', ')}`,
  );
});

test('device: cpu, or a clear refusal (nothing would run on another device)', () => {
  assert.equal(loadTrainConfig({ preset: 'quick' }).config.device, 'cpu');
  assert.equal(loadTrainConfig({ preset: 'quick', overrides: ['device=cpu'] }).config.device, 'cpu');
  for (const device of ['cuda', 'cuda:1', 'mps']) {
    const err = configError(() => loadTrainConfig({ preset: 'quick', overrides: [`device=${device}`] }));
    assert.equal(err.field, 'device');
    assert.match(
      err.message,
      new RegExp(`device: only 'cpu' is supported, got "${device}".*\\(from --set device=`),
    );
  }
});

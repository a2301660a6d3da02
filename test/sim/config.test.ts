import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { flagLayer } from '../../src/config/load.js';
import { simulateConfigSchema, splitCounts } from '../../src/sim/config.js';
import { listSimPresets, loadSimulateConfig } from '../../src/sim/dataset/index.js';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.field;
  }
  assert.fail('expected a ConfigError');
}

test('defaults: physical lsst, fractions 0.8/0.1/0.1 of 1000 by largest remainder', () => {
  const cfg = loadSimulateConfig({});
  assert.equal(cfg.backend, 'physical');
  assert.equal(cfg.survey, 'lsst');
  assert.equal(cfg.n, 1000);
  assert.deepEqual(splitCounts(cfg), { train: 800, val: 100, test: 100 });
  assert.deepEqual(splitCounts({ n: 7, splits: { train: 0.5, val: 0.25, test: 0.25 } }), {
    train: 3,
    val: 2,
    test: 2,
  });
  assert.deepEqual(splitCounts({ n: 10, splits: { train: 1 / 3, val: 1 / 3, test: 1 / 3 } }), {
    train: 4,
    val: 3,
    test: 3,
  });
});

test('split counts set n; a different n is an error naming n', () => {
  const cfg = loadSimulateConfig({ flags: { splits: { train: 30, val: 5, test: 10 } } });
  assert.equal(cfg.n, 45);
  assert.deepEqual(splitCounts(cfg), { train: 30, val: 5, test: 10 });
  assert.equal(
    fieldOf(() => loadSimulateConfig({ flags: { n: 40, splits: { train: 30, val: 5, test: 10 } } })),
    'n',
  );
  // n from the command line over a file with counts keeps their proportions.
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-simcfg-'));
  const file = path.join(dir, 'counts.yaml');
  writeFileSync(file, 'backend: simple\nsplits: { train: 30, val: 0, test: 10 }\n');
  const scaled = loadSimulateConfig({ file, flags: { n: 100 } });
  assert.deepEqual(splitCounts(scaled), { train: 75, val: 0, test: 25 });
  assert.equal(
    fieldOf(() => loadSimulateConfig({ file, overrides: ['n=100'] })),
    'n',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ flags: { splits: { train: 2.5, val: 0, test: 1 } } })),
    'splits',
  );
  // The CLI's flags as named layers: the same proportions, and a conflict names the flag as typed.
  const layered = loadSimulateConfig({ file, flags: [flagLayer('n', 'n', 100), null] });
  assert.deepEqual(splitCounts(layered), { train: 75, val: 0, test: 25 });
  assert.throws(
    () => loadSimulateConfig({ preset: 'simple', overrides: ['n=20'], flags: [flagLayer('n', 'n', 10)] }),
    (e: unknown) =>
      e instanceof ConfigError && e.field === 'n' && /--set n=20, --n 10; give it once/.test(e.message),
  );
});

test('invalid configs name the field', () => {
  assert.equal(
    fieldOf(() => loadSimulateConfig({ overrides: ['balance=1.5'] })),
    'balance',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ overrides: ['balance=-0.1'] })),
    'balance',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ overrides: ['image_size=0'] })),
    'image_size',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ flags: { n: -3 } })),
    'n',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ overrides: ['output.shard_size=0'] })),
    'output.shard_size',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ overrides: ['backend=raytrace'] })),
    'backend',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ overrides: ['survey=sdss'] })),
    'survey',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ overrides: ['bands=[g, q]'] })),
    'bands',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ overrides: ['nn=3'] })),
    'nn',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ overrides: ['scene.lens.theta_EE=1'] })),
    'scene.lens.theta_EE',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ overrides: ['simple.noise.gaussian_std=-1'] })),
    'simple.noise.gaussian_std',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ overrides: ['output.layout=flat'] })),
    'output.layout',
  );
  assert.equal(
    fieldOf(() => loadSimulateConfig({ preset: 'nosuch' })),
    'preset',
  );
});

test('the error message names the file that set the bad value', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-simcfg-'));
  const file = path.join(dir, 'bad.yaml');
  writeFileSync(file, 'backend: simple\nbalance: 2\n');
  assert.throws(
    () => loadSimulateConfig({ file }),
    (e: unknown) => e instanceof ConfigError && /balance: .*bad\.yaml/.test(e.message),
  );
});

test('every preset in configs/sim resolves, and the resolved config parses again unchanged', () => {
  const presets = listSimPresets();
  for (const p of ['lsst', 'des', 'hsc', 'euclid', 'simple'])
    assert.ok(presets.includes(p), `preset ${p} missing`);
  for (const p of presets) {
    const cfg = loadSimulateConfig({ preset: p });
    assert.deepEqual(simulateConfigSchema.parse(JSON.parse(JSON.stringify(cfg))), cfg, p);
  }
  assert.deepEqual(loadSimulateConfig({ preset: 'euclid' }).bands, ['VIS']);
  assert.equal(loadSimulateConfig({ preset: 'simple' }).backend, 'simple');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { isSeedsFormat, mapSeedsConfig } from '../../src/sim/seeds-format.js';
import { splitCounts } from '../../src/sim/config.js';
import { loadSimulateConfig } from '../../src/sim/dataset/index.js';

const SEEDS = `
General:
  n_train: 30
  n_test: 10
  image_size: 32
  seed: 7
  balance: 0.3
LensArcs:
  brightness: [0.8, 1.2]
  curvature: [0.1, 0.2]
Galaxy:
  brightness: [2, 4]
  size: { min: 1.5, max: 3 }
Noise:
  gaussian_std: 0.1
  poisson_lambda: 5
  psf_sigma: 1.2
`;

function seedsFile(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-seeds-'));
  const file = path.join(dir, 'seeds.yaml');
  writeFileSync(file, text);
  return file;
}

test("the seeds' format is detected and maps onto the simulate config (simple backend by default)", () => {
  const cfg = loadSimulateConfig({ file: seedsFile(SEEDS) });
  assert.equal(cfg.backend, 'simple');
  assert.equal(cfg.image_size, 32);
  assert.equal(cfg.seed, 7);
  assert.equal(cfg.balance, 0.3);
  assert.equal(cfg.n, 40);
  assert.deepEqual(splitCounts(cfg), { train: 30, val: 0, test: 10 });
  assert.deepEqual(cfg.simple.arcs.brightness, [0.8, 1.2]);
  assert.deepEqual(cfg.simple.arcs.curvature, [0.1, 0.2]);
  assert.deepEqual(cfg.simple.galaxy.size, [1.5, 3]);
  assert.deepEqual(cfg.simple.noise, { gaussian_std: 0.1, poisson_lambda: 5, psf_sigma: 1.2 });
  // Unset values keep the simple backend's defaults.
  assert.deepEqual(cfg.simple.arcs.width, [0.8, 1.6]);
  assert.ok(isSeedsFormat({ General: {} }));
  assert.ok(!isSeedsFormat({ backend: 'simple' }));
});

test("invalid seeds' configs name the field", () => {
  const field = (raw: Record<string, unknown>) => {
    try {
      mapSeedsConfig(raw, 'seeds.yaml');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /seeds\.yaml/);
      return err.field;
    }
    assert.fail('expected a ConfigError');
  };
  const general = { n_train: 10, n_test: 5, image_size: 32 };
  assert.equal(field({ General: { ...general, balance: 1.2 } }), 'General.balance');
  assert.equal(field({ General: { ...general, n_train: 0 } }), 'General.n_train');
  assert.equal(field({ General: { ...general, n_test: -4 } }), 'General.n_test');
  assert.equal(field({ General: { ...general, image_size: 0 } }), 'General.image_size');
  assert.equal(field({ General: { ...general, backend: 'fancy' } }), 'General.backend');
  assert.equal(field({ General: general, Noise: { gaussian_sd: 1 } }), 'Noise.gaussian_sd');
  assert.equal(field({ General: general, Extra: {} }), 'Extra');
  assert.equal(field({ General: general, LensArcs: { curvature: [0.3, 0.1] } }), 'LensArcs.curvature');
  assert.equal(field({ LensArcs: {} }), 'General');
});

test('a seeds file with an unknown survey fails on survey', () => {
  const file = seedsFile(
    'General: { n_train: 4, n_test: 2, image_size: 16, backend: physical, survey: sdss }\n',
  );
  assert.throws(
    () => loadSimulateConfig({ file }),
    (e: unknown) => e instanceof ConfigError && e.field === 'survey',
  );
});

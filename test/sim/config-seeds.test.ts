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

/** The ConfigError a seeds mapping raises (its message names the source file). */
function seedsError(raw: Record<string, unknown>): ConfigError {
  try {
    mapSeedsConfig(raw, 'seeds.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /seeds\.yaml/);
    return err;
  }
  assert.fail('expected a ConfigError');
}

test("invalid seeds' configs name the field", () => {
  const field = (raw: Record<string, unknown>) => seedsError(raw).field;
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

const SEED_FIXTURES = path.join(import.meta.dirname, '../fixtures/sim/seeds');

test("a seed generator's config is taken as written: pairs, pixel units, GalaxyBlob, ignored sections", () => {
  const notes: string[] = [];
  const cfg = loadSimulateConfig({
    file: path.join(SEED_FIXTURES, 'generator-form.yaml'),
    onNote: (m) => notes.push(m),
  });
  assert.equal(cfg.backend, 'simple'); // backend: "synthetic"
  assert.equal(cfg.image_size, 48);
  assert.deepEqual(splitCounts(cfg), { train: 48, val: 0, test: 16 });
  const { arcs, galaxy, noise } = cfg.simple;
  assert.deepEqual(arcs.brightness, [0.3, 0.7]);
  // min_radius/max_radius (pixels) are lensfind's curvature 1/radius.
  assert.deepEqual(arcs.curvature, [1 / 16, 1 / 7]);
  // arc_width (line thickness) is the arc's FWHM: sigma = FWHM / 2.3548.
  assert.ok(Math.abs(arcs.width[0] - 1.0 / 2.35482) < 1e-4 && Math.abs(arcs.width[1] - 2.5 / 2.35482) < 1e-4);
  assert.equal(arcs.max_count, 3);
  assert.deepEqual(galaxy.size, [2.5, 6]); // GalaxyBlob.sigma_min/sigma_max, pixels
  assert.deepEqual(galaxy.brightness, [0.5, 0.9]);
  assert.deepEqual(galaxy.ellipticity, [0, 0.4]);
  assert.deepEqual(noise, { gaussian_std: 0.04, poisson_lambda: 0, psf_sigma: 1.1 });
  assert.equal(notes.length, 1);
  // Values the seed repeats (equal galaxy ranges and blurs for both classes) are not noted.
  assert.ok(!/blur_sigma|galaxy_sigma/.test(notes[0]), notes[0]);
  for (const key of [
    'Output',
    'Validation',
    'Debug',
    'LensArcs.asymmetry',
    'GalaxyBlob.n_components_min/n_components_max',
    'GalaxyBlob.sersic_index_min/sersic_index_max',
    'Noise.poisson_strength',
    'Noise.readout_noise',
  ])
    assert.ok(notes[0].includes(key), `the note names ${key}: ${notes[0]}`);
});

test("the seeds' documented form (brightness_min/_max, curvature, Galaxy.size) and backend names", () => {
  const cfg = loadSimulateConfig({ file: path.join(SEED_FIXTURES, 'readme-form.yaml') });
  assert.equal(cfg.backend, 'simple');
  assert.equal(cfg.balance, 0.4);
  assert.deepEqual(cfg.simple.arcs.brightness, [0.3, 0.8]);
  assert.deepEqual(cfg.simple.arcs.curvature, [0.08, 0.15]);
  assert.deepEqual(cfg.simple.galaxy.brightness, [0.4, 0.9]);
  assert.deepEqual(cfg.simple.galaxy.size, [2, 4.5]);
  assert.deepEqual(cfg.simple.noise, { gaussian_std: 0.05, poisson_lambda: 0.1, psf_sigma: 1.2 });

  const notes: string[] = [];
  const phys = loadSimulateConfig({
    file: path.join(SEED_FIXTURES, 'deeplenstronomy-form.yaml'),
    onNote: (m) => notes.push(m),
  });
  assert.equal(phys.backend, 'physical');
  assert.equal(phys.survey, 'lsst');
  assert.match(notes.join('\n'), /deeplenstronomy: rendered by lensfind's physical backend/);
});

test("seeds' range pairs: errors name the keys as written", () => {
  const field = seedsError;
  const General = { n_train: 10, n_test: 5, image_size: 32 };
  const inverted = field({ General, LensArcs: { brightness_min: 0.9, brightness_max: 0.2 } });
  assert.equal(inverted.field, 'LensArcs.brightness_min/brightness_max');
  assert.match(inverted.message, /LensArcs\.brightness_min\/brightness_max: expected/);
  assert.equal(field({ General, LensArcs: { brightness_min: 0.2 } }).field, 'LensArcs.brightness_min');
  assert.match(field({ General, LensArcs: { max_radius: 9 } }).message, /needs min_radius as well/);
  assert.equal(
    field({ General, Galaxy: { size: [1, 2], size_min: 1, size_max: 2 } }).field,
    'Galaxy.size_min',
  );
  assert.equal(field({ General, Galaxy: { sigma: [1, 2], size: [1, 2] } }).field, 'Galaxy.sigma');
  assert.equal(
    field({ General, Galaxy: { brightnes_min: 1, brightnes_max: 2 } }).field,
    'Galaxy.brightnes_min',
  );
  assert.equal(
    field({ General, Noise: { gaussian_sigma: 1, gaussian_std: 1 } }).field,
    'Noise.gaussian_sigma',
  );
  assert.equal(
    field({ General, LensArcs: { min_arcs: 1, max_arcs: 6 } }).field,
    'LensArcs.min_arcs/max_arcs',
  );
  assert.equal(field({ General, Galaxy: {}, GalaxyBlob: {} }).field, 'GalaxyBlob');
  const notes: string[] = [];
  mapSeedsConfig(
    {
      General,
      LensArcs: { blur_sigma: 1, galaxy_sigma_min: 1, galaxy_sigma_max: 3 },
      Galaxy: { sigma: [2, 4] },
    },
    'seeds.yaml',
    (m) => notes.push(m),
  );
  assert.match(
    notes[0],
    /LensArcs\.galaxy_sigma_min\/galaxy_sigma_max \(the Galaxy values are used for both/,
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sim from '../../src/sim/index.js';
import { ConfigError } from '../../src/errors.js';

const lsst = sim.loadSurvey('lsst');
const scene = sim.parseScene({});
// the configured ranges (scene.deflector, scene.lens, scene.source) without the field: exact expectations
const uniform = (over: object = {}) =>
  sim.parseScene({
    population: { model: 'uniform' },
    field: { enabled: false },
    stars: { enabled: false },
    ...over,
  });

test('survey presets load and validate; unknown surveys and bands are named', () => {
  for (const name of ['lsst', 'des', 'hsc', 'euclid', 'euclid-deep']) {
    const s = sim.loadSurvey(name);
    assert.ok(s.pixel_scale > 0 && s.default_bands.every((b) => b in s.bands));
  }
  assert.equal(lsst.pixel_scale, 0.2);
  assert.deepEqual(Object.keys(lsst.bands), ['u', 'g', 'r', 'i', 'z', 'y']);
  assert.deepEqual(Object.keys(sim.loadSurvey('des').bands), ['g', 'r', 'i', 'z', 'Y']);
  assert.equal(sim.loadSurvey('hsc').pixel_scale, 0.168);
  assert.throws(
    () => sim.loadSurvey('sdss'),
    (e: unknown) => e instanceof ConfigError && /unknown survey 'sdss'/.test(e.message),
  );
  assert.throws(() => sim.surveyBand(lsst, 'K'), /no band 'K'/);
});

test('scene config: defaults fill in, unknown keys and bad values are rejected by field', () => {
  assert.equal(scene.supersampling.factor, 2);
  assert.throws(
    () => sim.parseScene({ source: { magg: 1 } }),
    (e: unknown) => e instanceof ConfigError && e.field === 'source.magg',
  );
  assert.throws(
    () => sim.parseScene({ lens: { theta_E: { uniform: [2, 1] } } }),
    (e: unknown) => e instanceof ConfigError && e.field === 'lens.theta_E',
  );
  assert.throws(() => sim.parseScene({ supersampling: { factor: 0 } }), /supersampling\.factor/);
});

test('renderCutout is deterministic: same (scene, survey, seed, index, label) gives the same bytes', () => {
  for (const label of [0, 1] as const) {
    const a = sim.renderCutout(scene, lsst, { seed: 11, index: 5, label, size: 32 });
    const b = sim.renderCutout(scene, lsst, { seed: 11, index: 5, label, size: 32 });
    assert.deepEqual(Buffer.from(a.image.buffer), Buffer.from(b.image.buffer));
    assert.deepEqual(a.meta, b.meta);
    const c = sim.renderCutout(scene, lsst, { seed: 11, index: 6, label, size: 32 });
    assert.notDeepEqual(Buffer.from(a.image.buffer), Buffer.from(c.image.buffer));
  }
});

test('lens cutouts: shape, finite values, sane metadata', () => {
  for (let i = 0; i < 6; i++) {
    const c = sim.renderCutout(uniform(), lsst, { seed: 3, index: i, label: 1, size: 64 });
    assert.equal(c.image.length, 3 * 64 * 64);
    assert.deepEqual(c.bands, ['g', 'r', 'i']);
    assert.ok(c.image.every(Number.isFinite));
    const m = c.meta;
    assert.equal(m.label, 1);
    assert.equal(m.negative_kind, 'none');
    assert.ok((m.theta_E as number) >= 0.8 && (m.theta_E as number) <= 2.5);
    assert.ok((m.q as number) >= 0.4 && (m.q as number) <= 1);
    assert.ok((m.gamma as number) >= 0 && (m.gamma as number) <= 0.08);
    assert.ok((m.source_mag as number) >= 21 && (m.source_mag as number) <= 24.5);
    assert.ok((m.magnification as number) > 1, `magnification ${m.magnification}`);
    assert.ok((m.arc_snr as number) > 0);
    assert.equal(m.seed, 3);
    assert.equal(m.index, i);
  }
});

test('every negative kind renders, with label 0 and no lensing metadata', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 60 && seen.size < sim.NEGATIVE_KINDS.length; i++) {
    const c = sim.renderCutout(scene, lsst, { seed: 9, index: i, label: 0, size: 32 });
    assert.equal(c.meta.label, 0);
    assert.equal(c.meta.theta_E, 0);
    assert.equal(c.meta.arc_snr, 0);
    assert.ok(c.image.every(Number.isFinite));
    seen.add(c.meta.negative_kind as string);
  }
  assert.deepEqual([...seen].sort(), [...sim.NEGATIVE_KINDS].sort());
  // fractions select kinds: only rings when only rings have weight
  const rings = sim.parseScene({
    negatives: { deflector_only: 0, companion: 0, merger: 0, spiral: 0, ring: 1, edge_on: 0, clumpy: 0 },
  });
  for (let i = 0; i < 5; i++)
    assert.equal(
      sim.renderCutout(rings, lsst, { seed: 1, index: i, label: 0, size: 16 }).meta.negative_kind,
      'ring',
    );
});

test('noiseless, PSF-free lens: the lensed source flux equals magnification x intrinsic flux', () => {
  const clean = uniform({ psf: false, noise: false, source: { clumps: { probability: 0 } } });
  const c = sim.renderCutout(clean, lsst, { seed: 2, index: 1, label: 1, size: 64, bands: ['i'] });
  const noLensLight = uniform({
    psf: false,
    noise: false,
    deflector: { mag: 40 },
    source: { clumps: { probability: 0 } },
  });
  const d = sim.renderCutout(noLensLight, lsst, { seed: 2, index: 1, label: 1, size: 64, bands: ['i'] });
  const arcFlux = d.image.reduce((s, v) => s + v, 0);
  const intrinsic = sim.magToCps(d.meta.source_mag as number, lsst.bands.i.zero_point);
  assert.ok(Math.abs(arcFlux / (intrinsic * (d.meta.magnification as number)) - 1) < 1e-4);
  assert.ok(c.image.reduce((s, v) => s + v, 0) > arcFlux);
});

test('detectability cuts re-draw lenses until the arc is bright enough', () => {
  const cut = uniform({ detectability: { min_arc_snr: 400, min_magnification: 3, max_tries: 200 } });
  let redrawn = 0;
  for (let i = 0; i < 6; i++) {
    const c = sim.renderCutout(cut, lsst, { seed: 4, index: i, label: 1, size: 32 });
    assert.ok(
      (c.meta.arc_snr as number) >= 400 && (c.meta.magnification as number) >= 3,
      JSON.stringify(c.meta),
    );
    if ((c.meta.attempts as number) > 1) redrawn++;
  }
  assert.ok(redrawn > 0);
});

test('other surveys and band choices render', () => {
  const e = sim.renderCutout(scene, sim.loadSurvey('euclid'), { seed: 1, index: 0, label: 1, size: 24 });
  assert.deepEqual(e.bands, ['VIS']);
  const d = sim.renderCutout(scene, sim.loadSurvey('des'), {
    seed: 1,
    index: 0,
    label: 1,
    size: 24,
    bands: ['g', 'r', 'i', 'z', 'Y'],
  });
  assert.equal(d.image.length, 5 * 24 * 24);
  assert.throws(
    () => sim.renderCutout(scene, lsst, { seed: 1, index: 0, label: 1, size: 24, bands: ['VIS'] }),
    /no band 'VIS'/,
  );
  assert.throws(() => sim.renderCutout(scene, lsst, { seed: 1, index: 0, label: 1, size: 2 }), /image size/);
});

test('a survey YAML by path, with a Moffat PSF (FFT convolution), renders and validates', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-survey-'));
  const file = path.join(dir, 'mine.yaml');
  writeFileSync(
    file,
    'name: mine\npixel_scale: 0.25\nread_noise: 5\ndefault_bands: [i]\nbands:\n' +
      '  i: { exposure_time: 60, num_exposures: 3, sky_brightness: 20.5, zero_point: 27.5, seeing: 0.9, psf: moffat, moffat_beta: 2.5, filter: lsst-i }\n',
  );
  const s = sim.loadSurvey(file);
  const clean = uniform({ noise: false, source: { clumps: { probability: 0 } } });
  const c = sim.renderCutout(clean, s, { seed: 1, index: 0, label: 0, size: 48 });
  // the survey's band names a filter of the spectral table, so the default scene (literature, field) renders too
  assert.ok(
    sim.renderCutout(scene, s, { seed: 1, index: 0, label: 1, size: 48 }).image.every(Number.isFinite),
  );
  const raw = sim.renderCutout(
    uniform({ noise: false, psf: false, source: { clumps: { probability: 0 } } }),
    s,
    {
      seed: 1,
      index: 0,
      label: 0,
      size: 48,
    },
  );
  const f = (a: Float32Array) => a.reduce((t, v) => t + v, 0);
  // the PSF moves light around (and a little off the edges) but creates none
  assert.ok(
    f(c.image) <= f(raw.image) * (1 + 1e-6) && f(c.image) > 0.97 * f(raw.image),
    `${f(c.image)} ${f(raw.image)}`,
  );
  writeFileSync(file, 'name: bad\npixel_scale: -1\nread_noise: 5\ndefault_bands: [i]\nbands: {}\n');
  assert.throws(
    () => sim.loadSurvey(file),
    (e: unknown) => e instanceof ConfigError && /pixel_scale/.test(e.message),
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { bandFilter, loadSurvey } from '../../src/sim/survey.js';
import { drawConditions } from '../../src/sim/conditions.js';
import { Rng } from '../../src/sim/rng.js';

test('survey extends: Euclid Deep is the Wide Survey with its own visits, the same filter curve', () => {
  const wide = loadSurvey('euclid');
  const deep = loadSurvey('euclid-deep');
  assert.equal(deep.extends, 'euclid');
  assert.equal(deep.name, 'euclid-deep');
  assert.deepEqual(deep.conditions.exposure_scale, { choice: [40, 45, 52], weights: [20, 23, 10] });
  assert.equal(wide.conditions.exposure_scale, 1);
  // everything else inherited, the VIS filter curve of the base survey (not 'euclid-deep-VIS')
  assert.deepEqual(deep.conditions.seeing_scale, wide.conditions.seeing_scale);
  assert.equal(deep.pixel_scale, wide.pixel_scale);
  assert.deepEqual({ ...deep.bands.VIS, filter: undefined }, { ...wide.bands.VIS, filter: undefined });
  assert.equal(bandFilter(deep, 'VIS'), 'euclid-VIS');
  assert.equal(bandFilter(wide, 'VIS'), 'euclid-VIS');
});

test('survey extends: a user file overrides one band key and one condition; the rest is the preset', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-survey-'));
  const file = path.join(dir, 'my-lsst.yaml');
  writeFileSync(
    file,
    [
      'extends: lsst',
      'name: my-lsst',
      'bands:',
      '  r: { seeing: 0.6 }',
      'conditions:',
      '  seeing_scale: { uniform: [0.9, 1.1] }',
    ].join('\n'),
  );
  const lsst = loadSurvey('lsst');
  const mine = loadSurvey(file);
  assert.equal(mine.bands.r.seeing, 0.6);
  assert.equal(mine.bands.r.zero_point, lsst.bands.r.zero_point);
  assert.deepEqual(mine.bands.g, { ...lsst.bands.g, filter: 'lsst-g' });
  assert.equal(bandFilter(mine, 'i'), 'lsst-i');
  // a distribution replaces the base's, it does not merge with it
  assert.deepEqual(mine.conditions.seeing_scale, { uniform: [0.9, 1.1] });
  assert.deepEqual(mine.conditions.exposure_scale, lsst.conditions.exposure_scale);
  assert.deepEqual(mine.default_bands, lsst.default_bands);

  // an edit of the base file is seen by the survey that extends it
  const base = path.join(dir, 'base.yaml');
  const child = path.join(dir, 'child.yaml');
  writeFileSync(base, 'extends: lsst\nname: base\npixel_scale: 0.3\n');
  writeFileSync(child, 'extends: base.yaml\nname: child\n');
  assert.equal(loadSurvey(child).pixel_scale, 0.3);
  writeFileSync(base, 'extends: lsst\nname: base\npixel_scale: 0.25\n# longer now\n');
  assert.equal(loadSurvey(child).pixel_scale, 0.25);
});

test('survey extends: a cycle, a missing base and a wrong key name the file and the key', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-survey-'));
  const a = path.join(dir, 'a.yaml'),
    b = path.join(dir, 'b.yaml');
  writeFileSync(a, 'extends: b.yaml\nname: a\n');
  writeFileSync(b, 'extends: ./a.yaml\nname: b\n');
  assert.throws(
    () => loadSurvey(a),
    (e: unknown) =>
      e instanceof ConfigError &&
      /extends forms a cycle: .*a\.yaml -> .*b\.yaml -> .*a\.yaml/.test(e.message),
  );
  const lost = path.join(dir, 'lost.yaml');
  writeFileSync(lost, 'extends: nowhere\nname: lost\n');
  assert.throws(
    () => loadSurvey(lost),
    (e: unknown) => e instanceof ConfigError && e.message.includes(`${lost}: extends 'nowhere': no file`),
  );
  const typo = path.join(dir, 'typo.yaml');
  writeFileSync(typo, 'extends: lsst\nname: typo\nbands:\n  g: { seeeing: 0.7 }\n');
  assert.throws(
    () => loadSurvey(typo),
    (e: unknown) => e instanceof ConfigError && /bands\.g/.test(e.message) && /seeeing/.test(e.message),
  );
});

test('lsst-median: every cutout at the 10-year coadd, median seeing and dark sky of lsst.yaml; lsst.yaml varies', () => {
  const lsst = loadSurvey('lsst');
  const median = loadSurvey('lsst-median');
  assert.deepEqual(
    median.bands,
    Object.fromEntries(Object.entries(lsst.bands).map(([b, v]) => [b, { ...v, filter: `lsst-${b}` }])),
  );
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const c = drawConditions(median, ['g', 'r', 'i'], Rng.forItem(5, i, 0));
    assert.equal(c.meta.exposure_scale, 1);
    for (const [k, b] of c.bands.entries()) {
      const nominal = lsst.bands[['g', 'r', 'i'][k]];
      assert.equal(b.num_exposures, nominal.num_exposures);
      assert.equal(b.sky_brightness, nominal.sky_brightness);
      assert.ok(Math.abs(b.seeing - nominal.seeing) < 0.0026, `${b.seeing} vs ${nominal.seeing}`);
    }
    seen.add(JSON.stringify(drawConditions(lsst, ['g', 'r', 'i'], Rng.forItem(5, i, 0)).meta));
  }
  assert.ok(seen.size > 40, `lsst.yaml's conditions vary: ${seen.size} distinct of 50`);
});

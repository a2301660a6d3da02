import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { bandFilter, loadSurvey } from '../../src/sim/survey.js';

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

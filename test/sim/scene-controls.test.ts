// The settings bench:transfer's controls use: the LSST preset's scenes without their field, and at one depth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCsv } from '../../src/io/csv.js';
import { loadSurvey } from '../../src/sim/survey.js';
import { loadSimulateConfig, simulateDataset } from '../../src/sim/dataset/index.js';

async function manifest(overrides: string[]): Promise<Record<string, string>[]> {
  const out = mkdtempSync(path.join(tmpdir(), 'lensfind-controls-'));
  try {
    const cfg = loadSimulateConfig({
      preset: 'lsst',
      flags: { image_size: 32, n: 24, seed: 5, workers: 0, output: { previews: 0 } },
      overrides,
    });
    await simulateDataset(cfg, { out, quiet: true });
    return readCsv(path.join(out, 'manifest.csv'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

test('the LSST preset without its field: no line-of-sight galaxy, satellite or star in any cutout', async () => {
  const full = await manifest([]);
  assert.ok(
    full.filter((r) => Number(r.n_neighbours) > 0).length > 12,
    'the preset puts neighbours in most cutouts',
  );
  const alone = await manifest(['scene.field.enabled=false', 'scene.stars.enabled=false']);
  for (const r of alone)
    assert.deepEqual(
      [r.n_field, r.n_satellites, r.n_stars, r.n_neighbours].map(Number),
      [0, 0, 0, 0],
      `cutout ${r.id}`,
    );
  // conditions still vary from cutout to cutout
  assert.ok(new Set(alone.map((r) => r.exposure_scale)).size > 1);
});

test('the LSST preset at one depth (survey=lsst-median): every cutout at the 10-year depth, median seeing, dark sky', async () => {
  const lsst = loadSurvey('lsst');
  const rows = await manifest(['survey=lsst-median']);
  const depths = new Set<string>();
  for (const r of rows) {
    assert.equal(Number(r.exposure_scale), 1, `cutout ${r.id}`);
    for (const b of ['g', 'r', 'i']) {
      assert.ok(Math.abs(Number(r[`seeing_${b}`]) - lsst.bands[b].seeing) < 0.0026, `${r.id} seeing_${b}`);
      assert.equal(Number(r[`sky_${b}`]), lsst.bands[b].sky_brightness, `${r.id} sky_${b}`);
    }
    depths.add(r.depth_i);
  }
  assert.equal(depths.size, 1);
});

// Same seed, same bytes, on any machine: the LSST preset's first 24 cutouts hash to the values recorded in
// test/fixtures/sim/golden-lsst.json. The simulator is TypeScript and WebAssembly in float64 (V8's Math functions
// are fdlibm's on every CPU), so nothing in it may depend on the machine; a change of these bytes is a change of what
// `lensfind simulate` makes. When that is intended, regenerate with LENSFIND_UPDATE_GOLDEN=1 and say why in the commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSimulateConfig, simulateDataset } from '../../src/sim/dataset/index.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sim/golden-lsst.json');

test('the LSST preset, seed 7: shards and manifest hash to the recorded values', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'lensfind-golden-'));
  const cfg = loadSimulateConfig({
    preset: 'lsst',
    flags: { n: 24, seed: 7, workers: 0, output: { shard_size: 12, previews: 0 } },
  });
  await simulateDataset(cfg, { out, quiet: true });
  const sha = (f: string) =>
    createHash('sha256')
      .update(readFileSync(path.join(out, f)))
      .digest('hex');
  const got: Record<string, string> = {};
  for (const f of readdirSync(path.join(out, 'images')).sort()) got[`images/${f}`] = sha(`images/${f}`);
  got['manifest.csv'] = sha('manifest.csv');
  if (process.env.LENSFIND_UPDATE_GOLDEN) writeFileSync(FIXTURE, JSON.stringify(got, null, 2) + '\n');
  const want = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, string>;
  assert.equal(Object.keys(got).length, 3);
  assert.deepEqual(got, want);
});

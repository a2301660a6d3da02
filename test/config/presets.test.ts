// The layers every preset-based config loader (simulate, inject, sersic, train) stacks: what each is named in errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fileLayers, resolveConfig, userLayers } from '../../src/config/load.js';
import { listPresets, packageConfigDir, presetLayers } from '../../src/config/presets.js';
import { ConfigError } from '../../src/errors.js';

function presetFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-presets-'));
  writeFileSync(path.join(dir, 'small.yaml'), 'n: 10\nseed: 1\n');
  writeFileSync(path.join(dir, 'big.yaml'), 'n: 1000\n');
  writeFileSync(path.join(dir, 'notes.txt'), 'not a preset');
  return dir;
}

test('presetLayers names the layer `preset NAME`; none without a name; an unknown name lists the presets', () => {
  const dir = presetFolder();
  assert.deepEqual(listPresets(dir), ['big', 'small']);
  assert.deepEqual(presetLayers(dir, 'small'), [{ source: 'preset small', value: { n: 10, seed: 1 } }]);
  assert.deepEqual(presetLayers(dir, undefined), []);
  assert.throws(
    () => presetLayers(dir, 'huge'),
    (e: unknown) =>
      e instanceof ConfigError && /--preset huge: no such preset \(available: big, small\)/.test(e.message),
  );
});

test('userLayers: file < --set < flags, the file named relative to the working directory', () => {
  const dir = mkdtempSync(path.join(process.cwd(), '.tmp-presets-'));
  try {
    const file = path.join(dir, 'run.yaml');
    writeFileSync(file, 'n: 20\n');
    const rel = path.relative(process.cwd(), file);
    assert.deepEqual(fileLayers(file), [{ source: rel, value: { n: 20 } }]);
    assert.deepEqual(fileLayers(undefined), []);
    const layers = userLayers({ file, overrides: ['seed=3'], flags: { n: 5 } });
    assert.deepEqual(
      layers.map((l) => l.source),
      [rel, '--set seed=3', 'command-line flags'],
    );
    const schema = z.strictObject({ n: z.number().int().max(100), seed: z.number().int() });
    const over = [...presetLayers(presetFolder(), 'small'), ...userLayers({ file, overrides: ['seed=3'] })];
    assert.deepEqual(resolveConfig(schema, over), { n: 20, seed: 3 });
    // a bad value is reported with the layer that set it, the file as relative path
    writeFileSync(file, 'n: 500\n');
    assert.throws(
      () => resolveConfig(schema, [...presetLayers(presetFolder(), 'small'), ...userLayers({ file })]),
      (e: unknown) =>
        e instanceof ConfigError && e.message.includes(`(from ${rel})`) && /\bn:/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('packageConfigDir is the package configs/ folder (the sim presets are there)', () => {
  assert.equal(
    packageConfigDir(),
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../configs'),
  );
  assert.ok(listPresets(packageConfigDir('sim')).includes('lsst'));
});

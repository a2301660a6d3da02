import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { config, errors } from '../../src/index.js';

const { loadConfig, parseOverride } = config;
const { ConfigError } = errors;
import { flagLayer } from '../../src/config/load.js';

const schema = z.strictObject({
  epochs: z.number().int().positive(),
  optim: z.strictObject({ name: z.enum(['adamw', 'sgd']), lr: z.number().positive() }),
});
const defaults = { epochs: 10, optim: { name: 'adamw', lr: 1e-3 } };

test('preset < YAML file < --set < flags', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-cfg-'));
  const file = path.join(dir, 'run.yaml');
  writeFileSync(file, 'epochs: 20\noptim:\n  name: sgd\n');
  const cfg = loadConfig(schema, { defaults, file, overrides: ['optim.lr=3e-4'], flags: { epochs: 5 } });
  assert.deepEqual(cfg, { epochs: 5, optim: { name: 'sgd', lr: 3e-4 } });
});

test('--set parses values as YAML', () => {
  assert.deepEqual(parseOverride('a.b=3e-4'), { a: { b: 3e-4 } });
  assert.deepEqual(parseOverride('flag=true'), { flag: true });
  assert.deepEqual(parseOverride('list=[1, 2]'), { list: [1, 2] });
  assert.deepEqual(parseOverride('name=resnet18'), { name: 'resnet18' });
});

test('unknown keys and bad values are named with their source', () => {
  assert.throws(
    () => loadConfig(schema, { defaults, overrides: ['optim.lrr=1'] }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.field === 'optim.lrr' &&
      /optim\.lrr: unknown key.*--set optim\.lrr=1/.test(e.message),
  );
  assert.throws(
    () => loadConfig(schema, { defaults, flags: { epochs: -1 } }),
    (e: unknown) => e instanceof ConfigError && e.field === 'epochs' && /command-line flags/.test(e.message),
  );
});

test('one key given twice on the command line with different values is refused, each value validated', () => {
  const conflict = (opts: Parameters<typeof loadConfig>[1], pattern: RegExp) =>
    assert.throws(
      () => loadConfig(schema, { defaults, ...opts }),
      (e: unknown) => e instanceof ConfigError && e.field === 'epochs' && pattern.test(e.message),
    );
  // The bad value is named as invalid, the good one as given; neither is dropped silently.
  conflict(
    { overrides: ['epochs=two'], flags: [flagLayer('epochs', 'epochs', 1)] },
    /^epochs: given 2 times on the command line with different values: --set epochs=two \(invalid: .*expected number.*\), --epochs 1; give it once$/,
  );
  conflict({ overrides: ['epochs=3', 'epochs=4'] }, /--set epochs=3, --set epochs=4; give it once/);
  conflict({ overrides: ['epochs=3'], flags: { epochs: 5 } }, /--set epochs=3, command-line flags \(5\)/);
  // The same value twice, or a file overridden by --set, is no conflict.
  assert.equal(
    loadConfig(schema, { defaults, overrides: ['epochs=3'], flags: [flagLayer('epochs', 'epochs', 3)] })
      .epochs,
    3,
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-cfg-'));
  const file = path.join(dir, 'run.yaml');
  writeFileSync(file, 'epochs: 20\n');
  assert.equal(loadConfig(schema, { defaults, file, overrides: ['epochs=3'] }).epochs, 3);
  // A flag layer names the flag in ordinary errors too.
  assert.throws(
    () => loadConfig(schema, { defaults, flags: [flagLayer('epochs', 'epochs', -1)] }),
    (e: unknown) => e instanceof ConfigError && /epochs: .* \(from --epochs -1\)/.test(e.message),
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig, parseOverride } from '../../src/index.js';

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

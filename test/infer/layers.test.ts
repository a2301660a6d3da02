// The direction of imports between src/ folders (DESIGN.md's layers): inference sits between training and its uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** `src/` folders that files under `folder` import (type-only imports included), with an example file each. */
function importedFolders(folder: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)) {
          const target = path.relative(SRC, path.resolve(path.dirname(file), m[1]));
          const top = target.split(path.sep)[0];
          if (!target.startsWith('..') && top !== folder) out.set(top, path.relative(SRC, file));
        }
      }
    }
  };
  walk(path.join(SRC, folder));
  return out;
}

function assertNoImports(folder: string, forbidden: readonly string[]): void {
  const used = importedFolders(folder);
  for (const f of forbidden) {
    assert.ok(!used.has(f), `${folder}/ imports ${f}/ (in ${used.get(f)}); imports point down only`);
  }
}

test('the import scan finds real imports (so the checks below can fail)', () => {
  const used = importedFolders('infer');
  for (const f of ['train', 'models', 'data', 'torch']) assert.ok(used.has(f), `infer/ imports ${f}/`);
  assert.ok(importedFolders('predict').has('infer'));
  assert.ok(importedFolders('eval').has('infer'));
});

test('infer/ imports neither its uses nor the faces', () => {
  assertNoImports('infer', ['eval', 'predict', 'search', 'export', 'cli', 'web', 'npe']);
});

test('predict/ does not import eval/, and train/ imports nothing above it', () => {
  assertNoImports('predict', ['eval', 'cli', 'web']);
  assertNoImports('train', ['infer', 'eval', 'predict', 'search', 'export', 'cli', 'web']);
  assertNoImports('models', ['train', 'infer', 'eval', 'predict']);
});

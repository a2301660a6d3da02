// The public API's names (src/index.ts): namespaces only, each with its names, compared with a committed snapshot
// so that any change to the API is a visible diff. After a deliberate change, rewrite the snapshot with
//   LENSFIND_UPDATE_API=1 npx tsx --test test/api-exports.test.ts
// and commit test/fixtures/api/exports.json with the change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as lensfind from '../src/index.js';

const SNAPSHOT = path.join(import.meta.dirname, 'fixtures/api/exports.json');

/** Every runtime name of the API: { namespace: sorted names } in sorted namespace order. */
function exportList(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of Object.keys(lensfind).sort()) {
    const value = (lensfind as Record<string, unknown>)[name];
    out[name] = Object.keys(value as object).sort();
  }
  return out;
}

test('src/index.ts exports namespaces only', () => {
  for (const [name, value] of Object.entries(lensfind)) {
    assert.equal(typeof value, 'object', `${name} is a ${typeof value}; expected a namespace`);
    assert.equal(
      Object.prototype.toString.call(value),
      '[object Module]',
      `${name} is not a module namespace`,
    );
  }
});

test('the exported names match the committed snapshot (test/fixtures/api/exports.json)', () => {
  const actual = exportList();
  if (process.env.LENSFIND_UPDATE_API === '1')
    writeFileSync(SNAPSHOT, `${JSON.stringify(actual, null, 2)}\n`);
  const expected = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, string[]>;
  assert.deepEqual(Object.keys(actual), Object.keys(expected), 'the namespaces');
  for (const ns of Object.keys(expected)) assert.deepEqual(actual[ns], expected[ns], `the names of ${ns}`);
});

test('the namespaces hold the names that used to be flat, and eval/metrics are the folders they name', () => {
  assert.equal(typeof lensfind.io.readNpy, 'function');
  assert.equal(typeof lensfind.config.loadConfig, 'function');
  assert.equal(typeof lensfind.log.createLogger, 'function');
  assert.equal(typeof lensfind.eval.evaluateRun, 'function');
  assert.equal(typeof lensfind.infer.scoreBatches, 'function');
  assert.equal(typeof lensfind.infer.loadRun, 'function');
  assert.ok(new lensfind.errors.ConfigError('x') instanceof lensfind.errors.LensfindError);
  // metrics is src/metrics/ (plain arrays); eval (src/eval/) adds reports and run evaluation to it.
  assert.ok(!('evaluateRun' in lensfind.metrics));
  assert.equal(lensfind.metrics.rocAuc([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3]), 1);
});

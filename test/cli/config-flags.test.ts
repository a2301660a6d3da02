// The flag table of a command: each value flag becomes one config layer named as typed, parsed by its parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSources, flagConfigLayers } from '../../src/cli/config-flags.js';
import { intFlag, numberFlag } from '../../src/cli/flags.js';
import { LensfindError } from '../../src/errors.js';

test('flagConfigLayers: one layer per given flag at its key, named as typed; absent flags give null', () => {
  const values = { epochs: '3', lr: '3e-4', 'run-dir': 'runs/x' };
  const layers = flagConfigLayers(values, [
    ['epochs', 'epochs', intFlag],
    ['lr', 'optim.lr', numberFlag],
    ['run-dir', 'run.dir'],
    ['seed', 'seed', intFlag],
  ]);
  assert.deepEqual(layers, [
    { source: '--epochs 3', value: { epochs: 3 }, commandLine: true },
    { source: '--lr 0.0003', value: { optim: { lr: 3e-4 } }, commandLine: true },
    { source: '--run-dir runs/x', value: { run: { dir: 'runs/x' } }, commandLine: true },
    null,
  ]);
});

test('flagConfigLayers: a parser error names the flag as typed', () => {
  assert.throws(
    () => flagConfigLayers({ 'batch-size': 'many' }, [['batch-size', 'batch_size', intFlag]]),
    (e: unknown) => e instanceof LensfindError && e.message === '--batch-size many: expected an integer',
  );
});

test('configSources: --config and --set, no --set as an empty list', () => {
  assert.deepEqual(configSources({ config: 'a.yaml', set: ['x=1'] }), { file: 'a.yaml', overrides: ['x=1'] });
  assert.deepEqual(configSources({}), { file: undefined, overrides: [] });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseCommandArgs, type Command } from '../../src/cli/command.js';
import { evaluateCommand } from '../../src/cli/commands/evaluate.js';
import { ensembleCommand, runsAndWeights } from '../../src/cli/commands/ensemble.js';
import { calibrateCommand } from '../../src/cli/commands/calibrate.js';
import { predictCommand } from '../../src/cli/commands/predict.js';
import { readCsv } from '../../src/io/csv.js';
import { tinyRun } from '../predict/tiny-run.js';

async function run(cmd: Command, argv: string[]): Promise<string> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    await cmd.run(parseCommandArgs(cmd, argv));
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}

test('--runs R1 R2 --weights 1 2 lists: positionals go to runs, numbers to weights', () => {
  const a = parseCommandArgs(ensembleCommand, [
    '--runs',
    'r1',
    'r2',
    'r3',
    '--weights',
    '1',
    '2.5',
    '3',
    '--out',
    'o',
  ]);
  assert.deepEqual(runsAndWeights(a.values, a.positionals, 'ensemble'), {
    runs: ['r1', 'r2', 'r3'],
    weights: [1, 2.5, 3],
  });
  const b = parseCommandArgs(ensembleCommand, ['--runs', 'r1,r2', '--out', 'o']);
  assert.deepEqual(runsAndWeights(b.values, b.positionals, 'ensemble'), {
    runs: ['r1', 'r2'],
    weights: undefined,
  });
  const c = parseCommandArgs(predictCommand, ['--run', 'r1', 'stray', '--input', 'x']);
  assert.throws(() => runsAndWeights(c.values, c.positionals, 'predict'), /unexpected arguments stray/);
});

test('the evaluate, calibrate, ensemble and predict commands on a tiny run', async (t) => {
  const { runDir, dataDir, root } = await tinyRun('cli');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const common = ['--workers', '0', '--bootstrap', '20'];
  const ev = await run(evaluateCommand, ['--run', runDir, ...common, '--split', 'val']);
  assert.match(ev, /ROC AUC\s+\d\.\d{4} \[/);
  assert.ok(existsSync(path.join(runDir, 'eval', 'data-val', 'metrics.json')));

  const cal = await run(calibrateCommand, ['--run', runDir, '--workers', '0']);
  assert.match(cal, /temperature T = /);
  assert.match(cal, /log loss\s+\d\.\d{4}\s+\d\.\d{4}/);
  const T = JSON.parse(readFileSync(path.join(runDir, 'calibration.json'), 'utf8')).temperature;
  assert.ok(T > 0);

  const out = path.join(root, 'ens');
  const en = await run(ensembleCommand, [
    '--runs',
    runDir,
    runDir,
    '--weights',
    '1',
    '2',
    '--out',
    out,
    ...common,
  ]);
  assert.match(en, /method: weighted \(weights 1, 2\)/);
  assert.match(en, /  cli-1 +AUC \d/);
  assert.ok(existsSync(path.join(out, 'errors.png')));

  const catalog = path.join(root, 'cat', 'catalog.csv');
  const pr = await run(predictCommand, [
    '--run',
    runDir,
    '--input',
    path.join(dataDir, 'test_lenses'),
    '--out',
    catalog,
    '--workers',
    '0',
  ]);
  assert.match(pr, /scored 16 images .* images\/s\); 0 rejected/);
  assert.equal(readCsv(catalog).length, 16);
  await assert.rejects(
    run(predictCommand, ['--run', runDir, '--input', dataDir, '--out', path.join(root, 'c.xlsx')]),
    /unknown catalogue type/,
  );
});

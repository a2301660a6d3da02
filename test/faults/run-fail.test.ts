// Fault injection through the real CLI: a `train` that fails exits with code 2 and one clear line, with the
// default data worker thread running, and leaves no stub run folder (or a summary.json that says why it failed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { LensfindError } from '../../src/errors.js';
import { parseCommandArgs } from '../../src/cli/command.js';
import { trainCommand } from '../../src/cli/commands/train.js';
import { deepMerge } from '../../src/config/load.js';
import { createModel } from '../../src/models/registry.js';
import { train } from '../../src/train/trainer.js';
import { trainConfigSchema } from '../../src/train/schema.js';
import { saveSafetensors } from '../../src/torch/serialization.js';
import { errorLines, listDir, readJson, runCli, tinySetup, tinyTrainArgs } from './cli.js';

const { data, runs } = tinySetup();

test('--init-weights of random bytes: exit 2 naming the file while the data worker runs, no run folder', async () => {
  const random = path.join(runs, 'random.safetensors');
  writeFileSync(random, Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919) % 256)));
  const r = await runCli(tinyTrainArgs(data, runs, ['--init-weights', random]));
  assert.equal(r.code, 2, r.stderr);
  const lines = errorLines(r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(
    lines[0],
    /^lensfind train: --init-weights .*random\.safetensors: not a readable safetensors file: /,
  );
  assert.deepEqual(listDir(runs), ['random.safetensors'], 'no run folder is left');
});

test('weights of another architecture, or data that cannot be opened: E_INIT_WEIGHTS / E_DATA, nothing created', async () => {
  // Same key names as lensnet's, other shapes: the weights of another architecture.
  const other = path.join(runs, 'other.safetensors');
  saveSafetensors(
    other,
    createModel('lensnet', { inChannels: 3, imageSize: 16, channels: [4, 8] }).stateDict(),
    {
      format: 'pt',
    },
  );
  const before = listDir(runs);
  const config = (over: Record<string, unknown>) =>
    trainConfigSchema.parse(deepMerge({ data: { path: data }, run: { dir: runs }, threads: 1 }, over));
  await assert.rejects(
    () =>
      train(config({ model: { name: 'lensnet', channels: [8, 16], init_weights: other } }), {
        console: false,
      }),
    (e: unknown) =>
      e instanceof LensfindError &&
      e.code === 'E_INIT_WEIGHTS' &&
      /other\.safetensors: shapes differ from the model's for \d+ key\(s\): features\.0\.0\.weight: file \[4, 3, 3, 3\], model \[8, 3, 3, 3\]/.test(
        e.message,
      ),
  );
  const missing = path.join(runs, 'no-such-data');
  await assert.rejects(
    () => train(config({ data: { path: missing } }), { console: false }),
    (e: unknown) =>
      e instanceof LensfindError && e.code === 'E_DATA' && e.message === `${missing}: no such file or folder`,
  );
  assert.deepEqual(listDir(runs), before);
});

test('a diverging loss: the same exit 2 and message with the default worker and with workers 0; summary.json says failed', async () => {
  const runOnce = async (extra: string[]) => {
    const r = await runCli(tinyTrainArgs(data, runs, ['--set', 'optim.lr=1e300', ...extra]));
    assert.equal(r.code, 2, r.stderr);
    const lines = errorLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    return lines[0];
  };
  const withWorker = await runOnce([]);
  const onMain = await runOnce(['--workers', '0']);
  assert.match(
    withWorker,
    /^lensfind train: the loss became NaN at epoch 1, step \d+: lower optim\.lr \(1e\+300\) or set clip_grad_norm$/,
  );
  assert.equal(onMain, withWorker);
  // Both kept their folder (a step was trained): named without the runtime-only --threads/--workers.
  const folders = listDir(runs).filter((f) => f.startsWith('lensnet'));
  assert.deepEqual(folders, [
    'lensnet_channels8-16_lr1e+300_ep1_bs8',
    'lensnet_channels8-16_lr1e+300_ep1_bs8_2',
  ]);
  for (const folder of folders) {
    const dir = path.join(runs, folder);
    const files = listDir(dir);
    assert.deepEqual(
      files.filter((f) => !f.startsWith('events.out.tfevents.')),
      ['.lensfind.json', 'config.yaml', 'normalization.json', 'summary.json', 'train.log'],
      'no train.lock left behind',
    );
    const summary = readJson(path.join(dir, 'summary.json'));
    assert.equal(summary.status, 'failed');
    assert.equal(summary.finished, false);
    assert.deepEqual(summary.error, {
      code: 'E_DIVERGED',
      message: withWorker.replace('lensfind train: ', ''),
    });
  }
});

test('a contradictory command line: exit 2 naming the key and both values, nothing created', async () => {
  const before = listDir(runs);
  const r = await runCli(tinyTrainArgs(data, runs, ['--set', 'epochs=two']));
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(errorLines(r.stderr), [
    'lensfind train: epochs: given 2 times on the command line with different values: ' +
      '--set epochs=two (invalid: Invalid input: expected number, received string), --epochs 1; give it once',
  ]);
  assert.deepEqual(listDir(runs), before);
  // A flag repeated with another value is refused too (parseArgs alone lets the last one win); --set repeats.
  assert.throws(
    () => parseCommandArgs(trainCommand, ['--epochs', '1', '--epochs', '30']),
    (e: unknown) =>
      e instanceof LensfindError &&
      e.message === '--epochs given twice with different values (1 and 30): give it once',
  );
  assert.equal(parseCommandArgs(trainCommand, ['--epochs', '2', '--epochs', '2']).values.epochs, '2');
  assert.deepEqual(parseCommandArgs(trainCommand, ['--set', 'a=1', '--set', 'b=2']).values.set, [
    'a=1',
    'b=2',
  ]);
});

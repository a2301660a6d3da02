// Fault injection through the real CLI, default data worker: kill -9 and SIGTERM in the middle of training, then
// --resume, end with the weights of an uninterrupted run; a locked run is refused; a finished run is left as is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { flagLayer, overrideLayers, type ConfigLayer } from '../../src/config/load.js';
import { loadTrainConfig } from '../../src/train/config.js';
import { metricsWithoutTiming } from '../helpers/run-files.js';
import { train } from '../../src/train/trainer.js';
import {
  errorLines,
  listDir,
  lockOf,
  readJson,
  runCli,
  startCli,
  tinySetup,
  tinyTrainArgs,
  waitFor,
} from './cli.js';

const EPOCHS = 30;
const { data, runs } = tinySetup();
const args = (name: string) => tinyTrainArgs(data, runs, ['--name', name], EPOCHS);
const lastState = (dir: string) => path.join(dir, 'checkpoints/last/state.json');
const epochOf = (dir: string) =>
  existsSync(lastState(dir)) ? (readJson(lastState(dir)).epoch as number) : 0;

const bytes = (dir: string, file: string) => readFileSync(path.join(dir, file));

/** `train` CLI arguments as config flags (the options tinyTrainArgs uses). */
function flagsOf(argv: string[]): ConfigLayer[] {
  const keys: Record<string, string> = {
    '--data': 'data.path',
    '--run-dir': 'run.dir',
    '--epochs': 'epochs',
    '--batch-size': 'batch_size',
    '--threads': 'threads',
    '--name': 'run.name',
  };
  const layers: ConfigLayer[] = [];
  for (let i = 1; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--set') layers.push(...overrideLayers([value]));
    else {
      const numeric = /^\d+$/.test(value) ? Number(value) : value;
      layers.push(flagLayer(flag.slice(2), keys[flag], numeric)!);
    }
  }
  return layers;
}

test('kill -9, then --resume interrupted by SIGTERM, then --resume: the weights of an uninterrupted run', async () => {
  // The reference, in this process (saves a start-up): the configuration the CLI resolves from the same flags.
  const { config, overridden } = loadTrainConfig({ preset: 'quick', flags: flagsOf(args('straight')) });
  const straight = (await train(config, { overridden, console: false })).runDir;
  assert.equal(straight, path.join(runs, 'straight'));
  assert.equal(readJson(path.join(straight, 'summary.json')).status, 'finished');

  // kill -9 once the first checkpoint exists: the lock stays behind, stale.
  const killedDir = path.join(runs, 'killed');
  const killed = startCli(args('killed'));
  await waitFor(() => epochOf(killedDir) >= 1, 'the first checkpoint');
  killed.child.kill('SIGKILL');
  assert.equal((await killed.done).signal, 'SIGKILL');
  const killedAt = epochOf(killedDir);
  assert.ok(killedAt < EPOCHS, `killed after epoch ${killedAt}, before the end`);
  assert.ok(existsSync(path.join(killedDir, 'train.lock')), 'a kill -9 leaves its lock');
  assert.ok(!existsSync(path.join(killedDir, 'summary.json')));

  // Resume (taking over the stale lock), then SIGTERM once it has checkpointed a further epoch.
  const resumed = startCli(['train', '--resume', killedDir]);
  await waitFor(() => epochOf(killedDir) > killedAt, 'a checkpoint of the resumed run');
  resumed.child.kill('SIGTERM');
  const r1 = await resumed.done;
  const stoppedAt = epochOf(killedDir);
  assert.equal(r1.code, 130, r1.stderr);
  assert.match(r1.stderr, new RegExp(`resuming after epoch ${killedAt}`));
  assert.match(r1.stderr, /SIGTERM: finishing the current batch/);
  assert.match(r1.stderr, /resume with: lensfind train --resume /);
  assert.ok(stoppedAt < EPOCHS, `stopped after epoch ${stoppedAt}, before the end`);
  const interrupted = readJson(path.join(killedDir, 'summary.json'));
  assert.equal(interrupted.status, 'interrupted');
  assert.ok(!existsSync(path.join(killedDir, 'train.lock')), 'SIGTERM releases the lock');

  const r2 = await runCli(['train', '--resume', killedDir]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(readJson(path.join(killedDir, 'summary.json')).status, 'finished');
  for (const file of ['checkpoints/last/model.safetensors', 'checkpoints/best/model.safetensors'])
    assert.ok(
      bytes(killedDir, file).equals(bytes(straight, file)),
      `${file} differs from the uninterrupted run's`,
    );
  const metrics = metricsWithoutTiming(killedDir);
  assert.deepEqual(metrics, metricsWithoutTiming(straight));
  assert.equal(metrics.length, EPOCHS);
  // The training AUC is logged per epoch, and the run learnt something (so equal weights are not trivial).
  assert.ok(metrics.every((m) => typeof m.train_auc === 'number'));
  assert.ok((metrics.at(-1)!.train_loss as number) < (metrics[0].train_loss as number));
});

test('a run locked by a live process is refused; resuming a finished run rewrites nothing', async () => {
  const dir = path.join(runs, 'straight');
  await waitFor(() => existsSync(path.join(dir, 'summary.json')), 'the run of the first test');
  const before = listDir(dir);
  const summary = bytes(dir, 'summary.json');

  // This test process is alive: its lock stands, as a second `train --resume` running now would see it.
  const lock = path.join(dir, 'train.lock');
  writeFileSync(lock, lockOf());
  const refused = await runCli(['train', '--resume', dir]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.deepEqual(errorLines(refused.stderr), [
    `lensfind train: ${dir} is in use by process ${process.pid} on ${hostname()} (since 2026-01-01T00:00:00.000Z): ` +
      `wait for it to end, or stop it (if that process is gone, delete ${lock})`,
  ]);
  assert.ok(existsSync(lock), "the other process's lock is left alone");

  rmSync(lock);
  const again = await runCli(['train', '--resume', dir]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stderr,
    new RegExp(`has finished \\(epoch ${EPOCHS} of ${EPOCHS}\\): nothing to resume`),
  );
  assert.deepEqual(listDir(dir), before, 'no new event file, no lock left');
  assert.ok(bytes(dir, 'summary.json').equals(summary), 'summary.json unchanged');
});

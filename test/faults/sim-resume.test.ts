// Fault injection through the real CLI on fresh simulations (`train --sim`), with the quick preset's data worker
// rendering: kill -9 in the middle of training, then --resume, ends with the weights of an uninterrupted run; a bad
// simulate config is exit 2 in one line naming the key, with no run folder left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { flagLayer, overrideLayers } from '../../src/config/load.js';
import { loadTrainConfig } from '../../src/train/config.js';
import { train } from '../../src/train/trainer.js';
import { metricsWithoutTiming } from '../helpers/run-files.js';
import { errorLines, listDir, readJson, runCli, startCli, waitFor } from './cli.js';

const EPOCHS = 24;
const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-simfaults-'));
const runs = path.join(dir, 'runs');
const simFile = path.join(dir, 'tiny.yaml');
writeFileSync(simFile, 'survey: lsst\nbands: [g, r, i]\nimage_size: 16\n');

/** `train --sim` of a tiny run with the quick preset (one data worker thread renders), as a user types it. */
const SETS = ['data.sim.val_n=16', 'model.channels=[8,16]', 'data.normalization.fit_images=16'];
function args(name: string, sim = simFile): string[] {
  const a = ['train', '--sim', sim, '--sim-n', '32', '--run-dir', runs, '--name', name];
  a.push('--epochs', String(EPOCHS), '--batch-size', '8', '--threads', '1');
  for (const s of SETS) a.push('--set', s);
  return a;
}

const lastState = (run: string) => path.join(run, 'checkpoints/last/state.json');
const epochOf = (run: string) =>
  existsSync(lastState(run)) ? (readJson(lastState(run)).epoch as number) : 0;
const bytes = (run: string, f: string) => readFileSync(path.join(run, f));

test('train --sim killed with -9 and resumed: the weights and validation set of an uninterrupted run', async () => {
  // The reference, in this process: the configuration the CLI resolves from the same flags.
  const flags = [
    flagLayer('sim', 'data.sim.config', simFile),
    flagLayer('sim-n', 'data.sim.n_per_epoch', 32),
    flagLayer('run-dir', 'run.dir', runs),
    flagLayer('name', 'run.name', 'straight'),
    flagLayer('epochs', 'epochs', EPOCHS),
    flagLayer('batch-size', 'batch_size', 8),
    flagLayer('threads', 'threads', 1),
    ...overrideLayers(SETS),
  ];
  const { config, overridden } = loadTrainConfig({ preset: 'quick', flags });
  assert.equal(config.data.workers, 1, "the quick preset's data worker renders");
  const straight = (await train(config, { overridden, console: false })).runDir;

  const killedDir = path.join(runs, 'killed');
  const killed = startCli(args('killed'));
  await waitFor(() => epochOf(killedDir) >= 2, 'the second checkpoint');
  killed.child.kill('SIGKILL');
  assert.equal((await killed.done).signal, 'SIGKILL');
  const killedAt = epochOf(killedDir);
  assert.ok(killedAt < EPOCHS, `killed after epoch ${killedAt}, before the end`);

  const r = await runCli(['train', '--resume', killedDir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`resuming after epoch ${killedAt}`));
  assert.match(r.stderr, /16 simulated cutouts, seed \d+ \(complete from before\)/);
  for (const f of [
    'checkpoints/last/model.safetensors',
    'checkpoints/best/model.safetensors',
    'val-data/images/shard-00000.npy',
    'val-data/manifest.csv',
    'sim.yaml',
    'normalization.json',
  ])
    assert.ok(bytes(killedDir, f).equals(bytes(straight, f)), `${f} differs from the uninterrupted run's`);
  const metrics = metricsWithoutTiming(killedDir);
  assert.deepEqual(metrics, metricsWithoutTiming(straight));
  assert.equal(metrics.length, EPOCHS);
  assert.ok((metrics.at(-1)!.train_loss as number) < (metrics[0].train_loss as number));
  const summary = readJson(path.join(killedDir, 'summary.json'));
  assert.equal(summary.status, 'finished');
  assert.equal(summary.fresh_simulations, true);
});

test('train --sim with a bad simulate config: exit 2, one line naming the key, no run folder', async () => {
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(bad, 'survey: lsst\nimage_size: 16\nbalanse: 0.3\n');
  const before = existsSync(runs) ? listDir(runs) : [];
  const r = await runCli(args('bad', bad));
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(errorLines(r.stderr), [`lensfind train: data.sim.config ${bad}: invalid configuration:`]);
  assert.match(r.stderr, /\n {2}balanse: unknown key/);
  const unknown = await runCli(args('bad', 'lssst'));
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.deepEqual(errorLines(unknown.stderr), [
    "lensfind train: data.sim.config: no simulate preset 'lssst' (presets: des, euclid, hsc, lsst, simple; or give a YAML file)",
  ]);
  assert.deepEqual(existsSync(runs) ? listDir(runs) : [], before);
});

// Fault injection through the real CLI: `lensfind sersic train` with a moving average of the weights (ema_decay),
// killed with kill -9 after its first checkpoint, then --resume: the same average, trained weights and metrics as an
// uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSafetensors } from '../../src/torch/serialization.js';
import { readJson, runCli, startCli, waitFor } from './cli.js';
import { tinySersicTrainArgs } from '../helpers/sersic-tiny.js';

const STEPS = 400;
const runs = mkdtempSync(path.join(tmpdir(), 'lensfind-sersic-resume-'));
const args = (name: string) => [
  'sersic',
  'train',
  ...tinySersicTrainArgs(STEPS, 20),
  '--set',
  'ema_decay=0.95',
  '--run-dir',
  runs,
  '--name',
  name,
  '-q',
];
const stepOf = (dir: string) => {
  const f = path.join(dir, 'checkpoints/last/state.json');
  return existsSync(f) ? (readJson(f).step as number) : 0;
};
const bytes = (dir: string, file: string) => readFileSync(path.join(dir, file));
const metrics = (dir: string) =>
  readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>);

test('sersic train with ema_decay: kill -9, then --resume, ends as the uninterrupted run', async () => {
  const straight = path.join(runs, 'straight');
  const r0 = await runCli(args('straight'), { timeoutMs: 120_000 });
  assert.equal(r0.code, 0, r0.stderr);

  const killedDir = path.join(runs, 'killed');
  const killed = startCli(args('killed'), { timeoutMs: 120_000 });
  await waitFor(() => stepOf(killedDir) >= 20, 'the first checkpoint', 60_000);
  killed.child.kill('SIGKILL');
  assert.equal((await killed.done).signal, 'SIGKILL');
  const killedAt = stepOf(killedDir);
  assert.ok(killedAt < STEPS, `killed at step ${killedAt}, before the end`);
  assert.ok(!existsSync(path.join(killedDir, 'summary.json')));

  const r1 = await runCli(['sersic', 'train', '--resume', killedDir, '-q'], { timeoutMs: 120_000 });
  assert.equal(r1.code, 0, r1.stderr);
  for (const file of [
    'checkpoints/last/model.safetensors',
    'checkpoints/last/trained.safetensors',
    'checkpoints/best/model.safetensors',
  ])
    assert.ok(
      bytes(killedDir, file).equals(bytes(straight, file)),
      `${file} differs from the uninterrupted run's`,
    );
  assert.deepEqual(
    metrics(killedDir).map(({ step, val_nll, val_nll_raw }) => ({ step, val_nll, val_nll_raw })),
    metrics(straight).map(({ step, val_nll, val_nll_raw }) => ({ step, val_nll, val_nll_raw })),
  );

  // the average is not the trained weights: checkpoints hold both, validation scores both, and they differ
  const m = metrics(straight);
  assert.equal(m.length, STEPS / 20);
  assert.ok(m.every((r) => Number.isFinite(r.val_nll_raw) && r.val_nll !== r.val_nll_raw));
  const avg = loadSafetensors(path.join(straight, 'checkpoints/last/model.safetensors'));
  const trained = loadSafetensors(path.join(straight, 'checkpoints/last/trained.safetensors'));
  assert.deepEqual([...avg.keys()].sort(), [...trained.keys()].sort());
  const key = [...avg.keys()].find((k) => k.endsWith('weight'))!;
  assert.ok(
    avg.get(key)!.sub(trained.get(key)!).abs().max().item() > 0,
    `${key}: the average equals the weights`,
  );
});

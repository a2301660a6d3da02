import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { train } from '../../src/train/trainer.js';
import { writeToyDeepLense } from './toy-data.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function waitFor(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('lensfind train exits with 130 on SIGINT, leaving a checkpoint the run resumes from', async () => {
  const data = writeToyDeepLense({ perClass: 16, seed: 5 });
  const runs = mkdtempSync(path.join(tmpdir(), 'lensfind-runs-'));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'src/cli/main.ts'),
      'train',
      '--data',
      data,
      '--preset',
      'quick',
      '--epochs',
      '1000',
      '--batch-size',
      '8',
      '--threads',
      '1',
      '--workers',
      '0',
      '--set',
      'model.channels=[8,16]',
      '--set',
      'data.normalization.kind=per-image',
      '--run-dir',
      runs,
      '--name',
      'sig',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const runDir = path.join(runs, 'sig');
  const last = path.join(runDir, 'checkpoints/last/state.json');
  await waitFor(() => existsSync(last), 'the first checkpoint');
  child.kill('SIGINT');
  const code = await exited;
  assert.equal(code, 130, output);
  assert.match(output, /SIGINT: finishing the current batch/);
  assert.match(output, /resume with: lensfind train --resume/);

  const state = JSON.parse(readFileSync(last, 'utf8'));
  assert.ok(state.epoch >= 1 && state.epoch < 1000);
  const stoppedAt = state.step as number;
  // Resumable: continuing runs the next epoch from where it stopped.
  const resumed = await train(null, { resume: runDir, console: false, stopAfterEpochs: 1 });
  assert.equal(resumed.epochs, state.epoch + 1);
  assert.equal(resumed.history.length, state.epoch + 1);
  const after = JSON.parse(readFileSync(last, 'utf8'));
  assert.equal(after.step, (state.epoch + 1) * 3); // 24 training images / batch 8 = 3 steps per epoch
  assert.ok(after.step > stoppedAt);
});

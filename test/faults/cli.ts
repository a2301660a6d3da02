import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LockInfo } from '../../src/train/run-lock.js';
import { writeToyDeepLense } from '../train/toy-data.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The `lensfind` command as a user runs it: `node bin/lensfind.js ARGS`. */
export const BIN = path.join(ROOT, 'bin/lensfind.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `lensfind` process: its output so far and its end. */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the process exits; rejects (after killing it) when it outlives `timeoutMs`: a hang fails the test. */
  done: Promise<CliResult>;
}

export function startCli(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lensfind ${args.join(' ')} did not exit within ${timeoutMs} ms (hung)\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, output: () => stdout + stderr, done };
}

export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** The lines a failed command printed on stderr, without the progress and log lines before the error. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('lensfind '));
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A tiny DeepLense-layout dataset (16x16, 3 bands) and an empty folder for runs. */
export function tinySetup(perClass = 16): { data: string; runs: string } {
  return {
    data: writeToyDeepLense({ perClass, seed: 7 }),
    runs: mkdtempSync(path.join(tmpdir(), 'lensfind-faults-')),
  };
}

/**
 * `train` arguments for a tiny fast run with the quick preset's own data settings (one data worker thread, the
 * default a user gets): lensnet with two small blocks, 16x16 images, one thread.
 */
export function tinyTrainArgs(data: string, runs: string, extra: string[] = [], epochs = 1): string[] {
  return [
    'train',
    '--data',
    data,
    '--run-dir',
    runs,
    '--epochs',
    String(epochs),
    '--batch-size',
    '8',
    '--threads',
    '1',
    '--set',
    'model.channels=[8,16]',
    ...extra,
  ];
}

export const listDir = (dir: string): string[] => readdirSync(dir).sort();

export const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

/** The text of a run lock held by this (live) test process, with `info` changed. */
export const lockOf = (info: Partial<LockInfo> = {}): string =>
  JSON.stringify({
    pid: process.pid,
    hostname: hostname(),
    started: '2026-01-01T00:00:00.000Z',
    boot_id: null,
    proc_start: null,
    ...info,
  } satisfies LockInfo);

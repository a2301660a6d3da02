// Runs the real CLI (`node bin/lensfind.js ...`) for the fault-injection tests: with a timeout, so a hang fails
// the test instead of hanging CI, and with a handle for kill -9 at chosen moments.
import { spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/lensfind.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Starts `lensfind args`; `done` resolves when it exits (SIGKILLed after `timeoutMs`, then `timedOut`). */
export function startCli(
  args: string[],
  opts: { timeoutMs?: number; uid?: number; gid?: number } = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: '1' },
    uid: opts.uid,
    gid: opts.gid,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
  return { child, done };
}

export function cli(args: string[], opts: { timeoutMs?: number; uid?: number; gid?: number } = {}) {
  return startCli(args, opts).done;
}

/** The run ended by itself, with `code`, without a hang. */
export function assertExit(r: CliResult, code: number, what: string): void {
  assert.ok(!r.timedOut, `${what}: hung (killed after the timeout)\n${r.stderr}`);
  assert.equal(r.code, code, `${what}: exit ${r.code}, expected ${code}\nstderr: ${r.stderr}`);
}

/** A user error: exit 2, one line on stderr naming `pathPart`, no stack trace. */
export function assertOneLineError(r: CliResult, pathPart: string, what: string): string {
  assertExit(r, 2, what);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `${what}: expected one line, got:\n${r.stderr}`);
  assert.match(lines[0], /^lensfind \w+: /, what);
  assert.ok(lines[0].includes(pathPart), `${what}: the message names ${pathPart}: ${lines[0]}`);
  return lines[0];
}

/** Kills `child` with SIGKILL once `ready()` holds (polled every 2 ms), or when it exits first. */
export async function killWhen(
  run: { child: ChildProcess; done: Promise<CliResult> },
  ready: () => boolean,
): Promise<CliResult> {
  let exited = false;
  void run.done.then(() => (exited = true));
  while (!exited && !ready()) await new Promise((r) => setTimeout(r, 2));
  if (!exited) run.child.kill('SIGKILL');
  return run.done;
}

/** Files in `dir` (none when it does not exist yet). */
export function countFiles(dir: string, pattern: RegExp): number {
  try {
    return readdirSync(dir).filter((f) => pattern.test(f)).length;
  } catch {
    return 0;
  }
}

// The run folder's lock and what a failed call leaves behind, exercised directly (the CLI tests cover the rest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { LensfindError } from '../../src/errors.js';
import { acquireRunLock, LOCK_FILE, type LockInfo } from '../../src/train/run-lock.js';
import { RunSession } from '../../src/train/run-session.js';
import { listDir, lockOf, readJson } from './cli.js';

const folder = () => mkdtempSync(path.join(tmpdir(), 'lensfind-lock-'));

/** The pid of a process that has exited (not reused this soon on Linux's sequential pids). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

function isLocked(e: unknown): boolean {
  return e instanceof LensfindError && e.code === 'E_RUN_LOCKED';
}

test('a held lock refuses a second holder, even in the same process; release frees it', () => {
  const dir = folder();
  const lock = acquireRunLock(dir);
  const info = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as LockInfo;
  assert.equal(info.pid, process.pid);
  assert.equal(info.hostname, hostname());
  assert.ok(!Number.isNaN(Date.parse(info.started)));
  assert.throws(() => acquireRunLock(dir), isLocked);
  lock.release();
  assert.ok(!existsSync(path.join(dir, LOCK_FILE)));
  acquireRunLock(dir).release();
  lock.release(); // twice: harmless
});

test('stale locks are taken over: a dead pid, an earlier boot, a reused pid, an unreadable file', () => {
  const stale = [
    lockOf({ pid: deadPid() }),
    lockOf({ boot_id: '00000000-0000-0000-0000-000000000000' }),
    lockOf({ proc_start: '1' }), // this pid, but another process start: the pid was reused
    'not json',
    '',
  ];
  for (const text of stale) {
    const dir = folder();
    writeFileSync(path.join(dir, LOCK_FILE), text);
    const lock = acquireRunLock(dir);
    assert.equal((JSON.parse(readFileSync(lock.file, 'utf8')) as LockInfo).pid, process.pid, text);
    assert.deepEqual(listDir(dir), [LOCK_FILE], 'nothing left aside');
    lock.release();
  }
});

test('a live lock, or one from another host, is left alone', () => {
  for (const text of [lockOf({}), lockOf({ pid: deadPid(), hostname: `not-${hostname()}` })]) {
    const dir = folder();
    writeFileSync(path.join(dir, LOCK_FILE), text);
    assert.throws(
      () => acquireRunLock(dir),
      (e: unknown) => isLocked(e) && (e as Error).message.includes(`delete ${path.join(dir, LOCK_FILE)}`),
    );
    assert.equal(readFileSync(path.join(dir, LOCK_FILE), 'utf8'), text);
  }
  // A release only removes its own lock, never one another process took over since.
  const dir = folder();
  const lock = acquireRunLock(dir);
  writeFileSync(path.join(dir, LOCK_FILE), lockOf({ pid: 1 }));
  lock.release();
  assert.ok(existsSync(path.join(dir, LOCK_FILE)));
});

test('a failed new run that trained nothing is removed; a foreign file, a trained step or a resume keeps it', () => {
  const root = folder();
  const fail = new LensfindError('E_TEST', 'it broke');
  const make = (name: string) => {
    const s = RunSession.create(root, name);
    writeFileSync(s.file('config.yaml'), 'x: 1\n');
    writeFileSync(s.file('train.log'), 'log\n');
    return s;
  };
  const stub = make('stub');
  stub.fail(fail, 0, { run: stub.dir });
  stub.release();
  assert.ok(!existsSync(stub.dir), 'the stub is gone: the name stays free');
  assert.equal(path.basename(make('stub').dir), 'stub');

  const foreign = make('foreign');
  writeFileSync(path.join(foreign.dir, 'notes.txt'), 'mine\n'); // not written by the session
  const trained = make('trained');
  for (const [s, steps] of [
    [foreign, 0],
    [trained, 1],
  ] as const) {
    s.fail(fail, steps, { run: s.dir, epochs: 0 });
    s.release();
    const summary = readJson(path.join(s.dir, 'summary.json'));
    assert.equal(summary.status, 'failed');
    assert.deepEqual(summary.error, { code: 'E_TEST', message: 'it broke' });
    assert.ok(!existsSync(path.join(s.dir, LOCK_FILE)));
  }
  const old = path.join(root, 'old');
  mkdirSync(old);
  const resumed = RunSession.resume(old);
  resumed.fail(new Error('internal'), 0, {});
  resumed.release();
  assert.deepEqual(readJson(path.join(old, 'summary.json')).error, {
    code: 'E_INTERNAL',
    message: 'internal',
  });
});

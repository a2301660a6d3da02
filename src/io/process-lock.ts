/**
 * A lock file that says which process holds something (a run folder while it trains, a catalogue while predict
 * writes it), and that a later process can tell to be stale when that process is gone.
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { LensfindError } from '../errors.js';

/** What a lock file says about its holder. */
export interface LockInfo {
  pid: number;
  hostname: string;
  /** When the holder took the lock (ISO time, for people). */
  started: string;
  /** Linux boot id: a lock from an earlier boot is stale whatever its pid. */
  boot_id: string | null;
  /** The holder's start time in clock ticks since boot (/proc/PID/stat): tells a reused pid from the holder. */
  proc_start: string | null;
}

export interface ProcessLock {
  readonly file: string;
  /** Removes the lock file if it is still ours (safe to call twice). */
  release(): void;
}

function readOr(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

const bootId = (): string | null => readOr('/proc/sys/kernel/random/boot_id')?.trim() ?? null;

/** Field 22 of /proc/PID/stat (start time); the command name before it may hold spaces and parentheses. */
function procStart(pid: number): string | null {
  const stat = readOr(`/proc/${pid}/stat`);
  if (stat === null) return null;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}

function describe(info: LockInfo): string {
  return `process ${info.pid} on ${info.hostname} (since ${info.started})`;
}

/** Whether the holder may still run: a lock from another host cannot be checked and counts as held. */
function holderAlive(info: LockInfo): boolean {
  if (info.hostname !== hostname()) return true;
  const boot = bootId();
  if (info.boot_id && boot && info.boot_id !== boot) return false;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = procStart(info.pid);
  return !(info.proc_start && start && info.proc_start !== start);
}

function parseLock(text: string | null): LockInfo | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as LockInfo;
    return Number.isInteger(v.pid) && typeof v.hostname === 'string' ? v : null;
  } catch {
    return null;
  }
}

/**
 * Takes `file` as this process's lock on `what` (a run folder, an output): the file is created with O_EXCL (`wx`) and
 * holds pid, hostname and start time. A lock whose holder is alive refuses with `code` (E_RUN_LOCKED); a stale one
 * (its process is gone, or from an earlier boot) is taken over: moved aside by rename, which only one contender can
 * do, then checked to be the very lock judged stale before ours is created.
 */
export function acquireLock(file: string, what: string, code = 'E_RUN_LOCKED'): ProcessLock {
  const text = JSON.stringify({
    pid: process.pid,
    hostname: hostname(),
    started: new Date().toISOString(),
    boot_id: bootId(),
    proc_start: procStart(process.pid),
  } satisfies LockInfo);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(file, text, { flag: 'wx' });
      return {
        file,
        release: () => {
          if (readOr(file) === text) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = readOr(file);
    if (seen === null) continue; // released meanwhile: try again
    const holder = parseLock(seen);
    if (holder && holderAlive(holder)) {
      throw new LensfindError(
        code,
        `${what} is in use by ${describe(holder)}: wait for it to end, or stop it ` +
          `(if that process is gone, delete ${file})`,
      );
    }
    // An unreadable lock: a holder killed between creating and writing it, or written by something else.
    if (!holder && seen === '' && attempt === 0) {
      // Give a holder that has just created it the moment it needs to write it.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      continue;
    }
    takeOverStale(file, seen);
  }
  throw new LensfindError(code, `${what}: could not take ${file} (another process keeps changing it)`);
}

/** Moves the stale lock whose content is `seen` out of the way; puts back a lock that turned out to be another's. */
function takeOverStale(file: string, seen: string): void {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // another contender moved it
    throw err;
  }
  if (readOr(aside) !== seen) {
    // Between reading and renaming, another contender replaced the stale lock with its own live one.
    try {
      linkSync(aside, file);
    } catch {
      // A third process holds the name now; its lock stands, ours will be refused on the next attempt.
    }
  }
  rmSync(aside, { force: true });
}

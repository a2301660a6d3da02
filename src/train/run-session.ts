import { readdirSync, rmSync } from 'node:fs';
import { MARKER_FILE } from '../io/output-dir.js';
import path from 'node:path';
import { LensfindError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { createRunFolder } from './run-folder.js';
import { acquireRunLock, LOCK_FILE, type RunLock } from './run-lock.js';

/** How a training call ended, as summary.json says. */
export type RunStatus = 'finished' | 'interrupted' | 'failed';

/**
 * The run folder one training call works in: locked for the call, with the names of the files the call wrote
 * there, so a failure can tell a stub it may remove from a run it must keep.
 */
export class RunSession {
  private readonly written = new Set<string>([LOCK_FILE, MARKER_FILE]);

  private constructor(
    readonly dir: string,
    /** Made by this call (a new run), not resumed. */
    readonly created: boolean,
    private readonly lock: RunLock,
  ) {}

  /** An existing run, locked before anything in it is read: no other process writes it while this one runs. */
  static resume(dir: string): RunSession {
    return new RunSession(dir, false, acquireRunLock(dir));
  }

  /** A new folder `root/name` (or `name_2`, ...: a run never overwrites another), locked. */
  static create(root: string, name: string): RunSession {
    const dir = createRunFolder(root, name);
    try {
      return new RunSession(dir, true, acquireRunLock(dir));
    } catch (err) {
      rmSync(dir, { recursive: true, force: true }); // empty: nothing but what we just made
      throw err;
    }
  }

  /** A file of the folder, recorded as written by this call. */
  file(name: string): string {
    this.written.add(name);
    return path.join(this.dir, name);
  }

  writeSummary(summary: Record<string, unknown>): void {
    writeFileAtomic(this.file('summary.json'), JSON.stringify(summary, null, 1));
  }

  /**
   * Ends a failed call. A new run that trained nothing (no optimizer step) and holds only what this call wrote is
   * removed, so a failed start does not use up the name; any other keeps its folder with summary.json saying
   * `status: "failed"` and the error.
   */
  fail(err: unknown, stepsDone: number, summary: Record<string, unknown>): void {
    if (this.created && stepsDone === 0 && readdirSync(this.dir).every((f) => this.written.has(f))) {
      rmSync(this.dir, { recursive: true, force: true });
      return;
    }
    const error =
      err instanceof LensfindError
        ? { code: err.code, message: err.message }
        : { code: 'E_INTERNAL', message: err instanceof Error ? err.message : String(err) };
    this.writeSummary({ ...summary, status: 'failed' satisfies RunStatus, finished: false, error });
  }

  /** Gives the folder back (the lock file goes). */
  release(): void {
    this.lock.release();
  }
}

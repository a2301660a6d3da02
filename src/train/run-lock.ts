/** The lock a training process holds in its run folder (the lock itself: io/process-lock.ts). */
import path from 'node:path';
import { acquireLock, type ProcessLock } from '../io/process-lock.js';

export type { LockInfo, ProcessLock as RunLock } from '../io/process-lock.js';

/** The lock file a training process holds in its run folder. */
export const LOCK_FILE = 'train.lock';

/** Locks `runDir` for this process; E_RUN_LOCKED while another live process holds it. */
export function acquireRunLock(runDir: string): ProcessLock {
  return acquireLock(path.join(runDir, LOCK_FILE), runDir);
}

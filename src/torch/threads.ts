/**
 * Size of libtorch's intra-op thread pool (libtorch's default: one thread per physical core), and of OpenBLAS's
 * when libtorch uses it (native/src/threads.cc: its pool spins on every core unless sized too).
 */
import { LensfindError } from '../errors.js';
import { availableParallelism } from 'node:os';
import { native } from './native.js';

export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new LensfindError('E_THREADS', `setNumThreads: expected a positive integer, got ${n}`);
  }
  native().setNumThreads(n);
}

export function getNumThreads(): number {
  return native().getNumThreads();
}

/** OpenBLAS's thread-pool size, or null when libtorch's BLAS is not OpenBLAS. */
export function getBlasThreads(): number | null {
  const n = native().getBlasThreads();
  return n > 0 ? n : null;
}

/**
 * The compute threads a job gets by default beside `busy` threads of its own that keep cores busy (data or
 * simulation workers): the cores they leave, at least 1. Sharing a core, a compute thread is descheduled while the
 * others wait for it at every parallel op's barrier.
 */
export function defaultThreads(busy: number, cores = availableParallelism()): number {
  return Math.max(1, cores - Math.max(0, busy));
}

/** Size of libtorch's intra-op thread pool (libtorch's default: one thread per physical core). */
import { LensfindError } from '../errors.js';
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

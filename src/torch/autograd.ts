/** Grad mode: noGrad/enableGrad run a synchronous function with autograd recording off/on. */
import { native } from './native.js';

export function isGradEnabled(): boolean {
  return native().isGradEnabled();
}

/** Sets grad mode and returns the previous mode. */
export function setGradEnabled(enabled: boolean): boolean {
  return native().setGradEnabled(enabled);
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = native().setGradEnabled(enabled) as boolean;
  try {
    return fn();
  } finally {
    native().setGradEnabled(prev);
  }
}

/** Runs fn without recording operations for autograd (as `with torch.no_grad()`); fn must be synchronous. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with autograd recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/**
 * Deterministic freeing of tensors: `scope(fn)` disposes every tensor created while fn runs, except those in
 * its return value (which move to the enclosing scope) and those marked with keep().
 */
import { LensfindError } from '../errors.js';
import { native } from './native.js';

/** What a scope tracks: Tensor implements it (kept on purpose structural, so scope.ts does not import tensor.ts). */
export interface ScopedResource {
  dispose(): void;
  readonly isDisposed: boolean;
  /** Set by keep(): no scope frees it. */
  readonly isKept: boolean;
}

const frames: Set<ScopedResource>[] = [];

/** Registers a new tensor with the innermost open scope (called by Tensor.fromHandle). */
export function track(t: ScopedResource): void {
  const top = frames[frames.length - 1];
  if (top) top.add(t);
}

/** Tensors reachable from a scope's return value: the value itself, arrays/objects/Maps of them, 3 levels deep. */
function collectReturned(
  value: unknown,
  frame: Set<ScopedResource>,
  out: Set<ScopedResource>,
  depth: number,
): void {
  if (value === null || typeof value !== 'object' || depth > 3) return;
  if (frame.has(value as ScopedResource)) {
    out.add(value as ScopedResource);
    return;
  }
  if (ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) {
    for (const v of value) collectReturned(v, frame, out, depth + 1);
  } else if (value instanceof Map) {
    for (const v of value.values()) collectReturned(v, frame, out, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    for (const v of Object.values(value)) collectReturned(v, frame, out, depth + 1);
  }
}

function isThenable(v: unknown): boolean {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * Runs fn and frees the tensors it created that are neither returned nor kept. Scopes nest; fn must be
 * synchronous (tensors created after an await could not be attributed to the right scope).
 */
export function scope<T>(fn: () => T): T {
  const frame = new Set<ScopedResource>();
  frames.push(frame);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    frames.pop();
    release(frame, new Set());
    throw err;
  }
  frames.pop();
  if (isThenable(result)) {
    release(frame, new Set());
    throw new LensfindError(
      'E_SCOPE_ASYNC',
      'scope(fn): fn returned a Promise; scopes are synchronous. Await outside the scope, or use scope() inside each step',
    );
  }
  const returned = new Set<ScopedResource>();
  collectReturned(result, frame, returned, 0);
  release(frame, returned);
  const parent = frames[frames.length - 1];
  if (parent) for (const t of returned) parent.add(t);
  return result;
}

/** Alias of scope (TensorFlow.js's name). */
export const tidy = scope;

function release(frame: Set<ScopedResource>, returned: Set<ScopedResource>): void {
  for (const t of frame) if (!returned.has(t) && !t.isKept) t.dispose();
}

/** Marks a tensor so that no scope frees it (it lives until dispose() or garbage collection). */
export function keep<T extends { keep(): T }>(t: T): T {
  return t.keep();
}

/** Number of native tensor handles not yet freed (for leak checks). */
export function liveTensorCount(): number {
  return native().liveHandles() as number;
}

/** Depth of open scopes (0 outside any scope). */
export function scopeDepth(): number {
  return frames.length;
}

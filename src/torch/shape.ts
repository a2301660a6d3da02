/**
 * Checks of the sizes that enter the engine (shapes, counts). The addon converts JS numbers to int64 without
 * complaint: NaN becomes 0 and 2.5 becomes 2, so `randn([NaN, 2])` would silently give shape [0, 2]. Every
 * shape or count goes through here first.
 */
import { LensfindError } from '../errors.js';

/** Beyond 2^53 an element count is no longer exact in a JS number (and far beyond any memory). */
const MAX_ELEMENTS = Number.MAX_SAFE_INTEGER;

export interface ShapeRules {
  /** -1 allowed: `'one'` dimension inferred (reshape, view), or `'any'` dimensions kept (expand). */
  infer?: 'one' | 'any';
}

function describe(v: unknown): string {
  return typeof v === 'number' ? String(v) : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * `shape` as a plain array of sizes, after checking that each is an integer >= 0 (or -1 where `rules.infer`
 * allows it) and that the element count stays exact; `fn` names the call in the error.
 */
export function checkShape(fn: string, shape: number | readonly number[], rules: ShapeRules = {}): number[] {
  const dims = typeof shape === 'number' ? [shape] : [...shape];
  const text = `[${dims.map(describe).join(', ')}]`;
  let elements = 1;
  let inferred = 0;
  dims.forEach((d, i) => {
    if (rules.infer && d === -1) {
      inferred++;
      if (rules.infer === 'one' && inferred > 1)
        throw new LensfindError('E_SHAPE', `${fn}: shape ${text}: only one dimension can be -1 (inferred)`);
      return;
    }
    if (Number.isInteger(d) && d > MAX_ELEMENTS)
      throw new LensfindError('E_SHAPE', `${fn}: shape ${text}: size ${i} is larger than 2^53 - 1`);
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      const allowed = rules.infer ? 'an integer >= 0, or -1' : 'an integer >= 0';
      throw new LensfindError(
        'E_SHAPE',
        `${fn}: shape ${text}: size ${i} is ${describe(d)}, expected ${allowed}`,
      );
    }
    elements *= d;
  });
  if (elements > MAX_ELEMENTS)
    throw new LensfindError(
      'E_SHAPE',
      `${fn}: shape ${text} has ${elements.toExponential(3)} elements, more than 2^53 - 1 (a count JS cannot hold exactly)`,
    );
  return dims;
}

/** A count argument (eye's n, randperm's n, linspace's steps): an integer >= 0 of at most 2^53 - 1. */
export function checkCount(fn: string, name: string, n: number): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw new LensfindError('E_SHAPE', `${fn}: ${name} is ${describe(n)}, expected an integer >= 0`);
  return n;
}

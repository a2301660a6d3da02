import { LensfindError } from '../errors.js';

/** An integer flag's value, or undefined when absent; a clear usage error otherwise. */
export function intFlag(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n))
    throw new LensfindError('E_USAGE', `--${name} ${String(value)}: expected an integer`);
  return n;
}

/** A number flag's value, or undefined when absent. */
export function numberFlag(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n))
    throw new LensfindError('E_USAGE', `--${name} ${String(value)}: expected a number`);
  return n;
}

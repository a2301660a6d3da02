import { LensfindError } from '../errors.js';

/** The entry `name` of a registry (own keys only); an unknown name's error lists the registered ones. */
export function byName<T>(registry: Readonly<Record<string, T>>, name: string, what: string): T {
  if (!Object.hasOwn(registry, name)) {
    throw new LensfindError(
      'E_SIM',
      `unknown ${what} '${name}' (expected one of ${Object.keys(registry).join(', ')})`,
    );
  }
  return registry[name];
}

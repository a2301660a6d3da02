// Files lensfind writes spell their keys in snake_case (metrics.json like metrics.jsonl: roc_auc, val_auc); the
// TypeScript objects behind them keep camelCase. These convert between the two at the file boundary.

/** `rocAuc` -> `roc_auc`, `maxF1` -> `max_f1`; snake_case keys and names like `theta_E` stay as they are. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, (_m, a: string, b: string) => `${a}_${b.toLowerCase()}`);
}

/** `roc_auc` -> `rocAuc`: how readers accept files written before the keys were snake_case, and new ones. */
export function camelCase(key: string): string {
  return key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function mapKeys(value: unknown, rename: (key: string) => string, keep: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, rename, keep));
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      rename(k),
      keep.has(k) ? mapValuesOnly(v, rename, keep) : mapKeys(v, rename, keep),
    ]),
  );
}

/** Under a `keep` key the keys are data (column names, model names): only the values below them are renamed. */
function mapValuesOnly(value: unknown, rename: (key: string) => string, keep: ReadonlySet<string>): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return mapKeys(value, rename, keep);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapKeys(v, rename, keep)]));
}

/** A deep copy with every object key in snake_case, except the data keys directly under the `keep` keys. */
export function snakeCaseKeys(value: unknown, keep: readonly string[] = []): unknown {
  return mapKeys(value, snakeCase, new Set(keep));
}

/** A deep copy with every object key in camelCase (both spellings read the same), except under the `keep` keys. */
export function camelCaseKeys(value: unknown, keep: readonly string[] = []): unknown {
  return mapKeys(value, camelCase, new Set(keep));
}

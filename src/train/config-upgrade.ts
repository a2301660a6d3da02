/**
 * A run folder's `config.yaml` as the current schema spells it. Runs trained before every config key was
 * snake_case saved `data.valFraction`, `data.posWeight`, `data.normalization.fitImages` (and could save camelCase
 * network options): evaluate, predict and resume still read them. A user's own YAML gets no such upgrade: there a
 * camelCase key is an error that names its snake_case spelling (config/load.ts).
 */
import { isPlainObject, type PlainObject } from '../config/load.js';
import { snakeCase } from '../io/snake-keys.js';

/** The keys renamed when the `data` section became snake_case: section path, old key, new key. */
export const RENAMED_DATA_KEYS: readonly (readonly [section: string, from: string, to: string])[] = [
  ['data', 'valFraction', 'val_fraction'],
  ['data', 'posWeight', 'pos_weight'],
  ['data.normalization', 'fitImages', 'fit_images'],
];

function renameIn(obj: PlainObject, rename: (key: string) => string): PlainObject {
  const out: PlainObject = {};
  for (const [k, v] of Object.entries(obj)) {
    const to = rename(k);
    // a file holding both spellings keeps the new one
    if (to !== k && to in obj) continue;
    out[to] = v;
  }
  return out;
}

function sectionAt(root: PlainObject, dotted: string): PlainObject | null {
  let cur: unknown = root;
  for (const k of dotted.split('.')) cur = isPlainObject(cur) ? cur[k] : undefined;
  return isPlainObject(cur) ? cur : null;
}

/** A copy of a saved run config with the old camelCase keys renamed; other keys and values are left alone. */
export function upgradeRunConfig(raw: PlainObject): PlainObject {
  const out = structuredClone(raw);
  for (const section of ['data.normalization', 'data']) {
    const obj = sectionAt(out, section);
    if (!obj) continue;
    const renames = new Map(RENAMED_DATA_KEYS.filter(([s]) => s === section).map(([, f, t]) => [f, t]));
    const renamed = renameIn(obj, (k) => renames.get(k) ?? k);
    for (const k of Object.keys(obj)) delete obj[k];
    Object.assign(obj, renamed);
  }
  if (isPlainObject(out.model)) out.model = renameIn(out.model, snakeCase);
  return out;
}

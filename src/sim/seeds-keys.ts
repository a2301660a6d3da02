import { ConfigError } from '../errors.js';
import { isPlainObject, type PlainObject } from '../config/load.js';

/** `brightness_min` → base `brightness`, the other half `brightness_max`; `min_radius` → `radius`, `max_radius`. */
function halfOf(key: string): { base: string; other: string } | null {
  let m = /^(.+)_(min|max)$/.exec(key);
  if (m) return { base: m[1], other: `${m[1]}_${m[2] === 'min' ? 'max' : 'min'}` };
  m = /^(min|max)_(.+)$/.exec(key);
  if (m) return { base: m[2], other: `${m[1] === 'min' ? 'max' : 'min'}_${m[2]}` };
  return null;
}

/**
 * The seeds write a range as two keys, `brightness_min`/`brightness_max` or `min_radius`/`max_radius`; lensfind
 * writes `[min, max]`. Folds each pair whose base is a range key of the section (`rangeKeys`) into that key, and
 * records how the user wrote it, so errors can name the keys as written. A half without its other half, or a
 * pair beside the same range written as `[min, max]`, is an error naming the key.
 */
function foldSection(
  section: PlainObject,
  name: string,
  rangeKeys: ReadonlySet<string>,
  source: string,
  written: Map<string, string>,
): PlainObject {
  const value: PlainObject = {};
  const fail = (key: string, why: string) =>
    new ConfigError(`${source} (seeds' format): ${name}.${key}: ${why}`, `${name}.${key}`, source);
  for (const [key, v] of Object.entries(section)) {
    const half = halfOf(key);
    if (!half || !rangeKeys.has(half.base)) {
      value[key] = v;
      continue;
    }
    if (!(half.other in section))
      throw fail(key, `needs ${half.other} as well (or ${half.base}: [min, max])`);
    if (half.base in section) throw fail(key, `gives ${half.base} a second time; keep one of the two`);
    if (half.base in value) continue; // folded with its other half
    const [a, b] = /_min$|^min_/.test(key) ? [key, half.other] : [half.other, key];
    value[half.base] = [section[a], section[b]];
    written.set(`${name}.${half.base}`, `${name}.${a}/${b}`);
  }
  return value;
}

/**
 * Folds the range pairs of every section of a seeds-format mapping (`rangeKeys` per section). Returns the folded
 * mapping and a function that rewrites a dotted field (`LensArcs.brightness`) to the keys the user wrote
 * (`LensArcs.brightness_min/brightness_max`).
 */
export function foldSeedsRanges(
  raw: PlainObject,
  rangeKeys: Record<string, ReadonlySet<string>>,
  source: string,
): { folded: PlainObject; asWritten: (field: string) => string } {
  const folded: PlainObject = {};
  const written = new Map<string, string>();
  for (const [section, v] of Object.entries(raw)) {
    folded[section] =
      isPlainObject(v) && rangeKeys[section]
        ? foldSection(v, section, rangeKeys[section], source, written)
        : v;
  }
  return {
    folded,
    asWritten: (field) => {
      for (const [k, w] of written)
        if (field === k || field.startsWith(`${k}.`)) return w + field.slice(k.length);
      return field;
    },
  };
}

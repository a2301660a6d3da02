import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { snakeCase } from '../io/snake-keys.js';

export type PlainObject = Record<string, unknown>;

/** One layer of configuration and where it came from (a preset name, a YAML path, `--set`, a flag). */
export interface ConfigLayer {
  source: string;
  value: PlainObject;
  /** Given on the command line (`--set`, a flag): two such layers may not set one key to different values. */
  commandLine?: boolean;
}

export function isPlainObject(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges `over` into `base` recursively: objects merge, everything else (arrays included) replaces. */
export function deepMerge(base: PlainObject, over: PlainObject): PlainObject {
  const out: PlainObject = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as PlainObject, v) : v;
  }
  return out;
}

/** Reads a YAML configuration file; errors name the file and the line. */
export function readYamlFile(file: string): PlainObject {
  let text: string;
  try {
    // only a regular file: reading a FIFO or a device would block or never end
    const stat = statSync(file);
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? 'a folder' : 'not a regular file (a FIFO, socket or device)';
      throw new ConfigError(`${file}: the configuration file is ${kind}`, undefined, file);
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      `${file}: cannot read the configuration file: ${(err as Error).message}`,
      undefined,
      file,
    );
  }
  let value: unknown;
  try {
    value = YAML.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: invalid YAML: ${(err as Error).message}`, undefined, file);
  }
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value))
    throw new ConfigError(`${file}: expected a mapping of options at the top level`, undefined, file);
  return value;
}

/** Turns `a.b.c=value` into `{ a: { b: { c: value } } }`, the value parsed as YAML (`3e-4`, `true`, `[1,2]`). */
export function parseOverride(assignment: string): PlainObject {
  const eq = assignment.indexOf('=');
  if (eq <= 0)
    throw new ConfigError(
      `--set ${assignment}: expected key.path=value, e.g. --set optim.lr=3e-4`,
      undefined,
      '--set',
    );
  const keyPath = assignment.slice(0, eq).trim().split('.');
  const raw = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = YAML.parse(raw);
  } catch {
    value = raw;
  }
  if (value === null && raw.trim() === '') value = '';
  return setPath({}, keyPath, value);
}

/** `--set` assignments as command-line layers, each named as typed (`--set optim.lr=3e-4`). */
export function overrideLayers(overrides: readonly string[] = []): ConfigLayer[] {
  return overrides.map((o) => ({ source: `--set ${o}`, value: parseOverride(o), commandLine: true }));
}

/**
 * One flag's value as a command-line layer named as typed (`--epochs 1`), so errors and conflicts name the flag;
 * null when the flag is absent.
 */
export function flagLayer(flag: string, keyPath: string, value: unknown): ConfigLayer | null {
  if (value === undefined) return null;
  return {
    source: `--${flag} ${String(value)}`,
    value: setPath({}, keyPath.split('.'), value),
    commandLine: true,
  };
}

/** Flags as layers: a list of flag layers as they are, or one object of values as 'command-line flags'. */
export function flagLayers(flags: PlainObject | readonly (ConfigLayer | null)[] | undefined): ConfigLayer[] {
  if (Array.isArray(flags)) return flags.filter((l): l is ConfigLayer => l !== null);
  if (!flags || Object.keys(flags).length === 0) return [];
  return [{ source: 'command-line flags', value: flags as PlainObject, commandLine: true }];
}

/** Where a configuration comes from besides a preset: a YAML file, `--set` assignments, flags (in that order). */
export interface ConfigSources {
  file?: string;
  overrides?: readonly string[];
  flags?: PlainObject | readonly (ConfigLayer | null)[];
}

/** A YAML file as a layer named by its path relative to the working directory; none without a file. */
export function fileLayers(file: string | undefined, read = readYamlFile): ConfigLayer[] {
  return file === undefined
    ? []
    : [{ source: path.relative(process.cwd(), file) || file, value: read(file) }];
}

/** The layers a user sets over a preset or defaults: the YAML file < `--set` < flags. */
export function userLayers(sources: ConfigSources, read = readYamlFile): ConfigLayer[] {
  return [
    ...fileLayers(sources.file, read),
    ...overrideLayers(sources.overrides),
    ...flagLayers(sources.flags),
  ];
}

/** The leaves of a configuration object as dotted paths (arrays are leaves): `[['optim.lr', 3e-4], ...]`. */
export function flattenConfig(obj: unknown, prefix = ''): [string, unknown][] {
  if (!isPlainObject(obj)) return [[prefix, obj]];
  return Object.entries(obj).flatMap(([k, v]) => flattenConfig(v, prefix ? `${prefix}.${k}` : k));
}

export function setPath(obj: PlainObject, keyPath: readonly string[], value: unknown): PlainObject {
  let cur = obj;
  keyPath.forEach((key, i) => {
    if (i === keyPath.length - 1) cur[key] = value;
    else {
      if (!isPlainObject(cur[key])) cur[key] = {};
      cur = cur[key] as PlainObject;
    }
  });
  return obj;
}

function hasPath(obj: unknown, keyPath: readonly PropertyKey[]): boolean {
  let cur = obj;
  for (const k of keyPath) {
    if (!isPlainObject(cur) && !Array.isArray(cur)) return false;
    if (!(String(k) in (cur as PlainObject))) return false;
    cur = (cur as PlainObject)[String(k)];
  }
  return true;
}

/** A zod schema as seen from its definition (zod 4): wrappers hold `innerType`, pipes `in`, objects `shape`. */
interface SchemaDef {
  _zod?: { def: { type: string; innerType?: SchemaDef; in?: SchemaDef; shape?: Record<string, SchemaDef> } };
}

/** The keys the object schema at `keyPath` accepts, for an unknown key's error; null when it is not an object. */
function sectionKeys(schema: z.ZodType, keyPath: readonly PropertyKey[]): string[] | null {
  const objectAt = (s: SchemaDef | undefined): Record<string, SchemaDef> | undefined => {
    const def = s?._zod?.def;
    if (!def) return undefined;
    if (def.type === 'object') return def.shape;
    return objectAt(def.innerType ?? def.in);
  };
  let shape = objectAt(schema as SchemaDef);
  for (const k of keyPath) shape = shape && objectAt(shape[String(k)]);
  return shape ? Object.keys(shape) : null;
}

/** The keys an object schema accepts (through defaults, optionals and pipes); [] when it is not an object. */
export function schemaKeys(schema: z.ZodType): string[] {
  return sectionKeys(schema, []) ?? [];
}

/**
 * What to say about an unknown key: a camelCase spelling of a valid key gets its snake_case name (`valFraction`:
 * write `data.val_fraction`), anything else the list of the section's valid keys.
 */
export function unknownKeyMessage(
  section: readonly PropertyKey[],
  key: string,
  valid: string[] | null,
): string {
  const snake = snakeCase(key);
  if (snake !== key && valid?.includes(snake))
    return `config keys are snake_case: write ${[...section.map(String), snake].join('.')}`;
  return `unknown key (valid keys here: ${valid?.join(', ') ?? 'see the schema'})`;
}

/**
 * Merges the layers (later wins) and validates the result with one zod schema. Errors name every bad field by its
 * dotted path, what was expected, and the layer that set it.
 */
export function resolveConfig<S extends z.ZodType>(schema: S, layers: readonly ConfigLayer[]): z.output<S> {
  refuseConflicts(schema, layers);
  const merged = layers.reduce<PlainObject>((acc, layer) => deepMerge(acc, layer.value), {});
  const result = schema.safeParse(merged);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [undefined];
    return keys
      .map((extra) => {
        const full = extra === undefined ? issue.path : [...issue.path, extra];
        const field = full.map(String).join('.') || '(top level)';
        const from = [...layers].reverse().find((l) => hasPath(l.value, full))?.source;
        const what =
          issue.code === 'unrecognized_keys'
            ? unknownKeyMessage(issue.path, String(extra), sectionKeys(schema, issue.path))
            : issue.message;
        return `  ${field}: ${what}${from ? ` (from ${from})` : ''}`;
      })
      .join('\n');
  });
  const first = result.error.issues[0];
  const firstField = [
    ...first.path,
    ...(first.code === 'unrecognized_keys' ? [(first as { keys: string[] }).keys[0]] : []),
  ]
    .map(String)
    .join('.');
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`, firstField);
}

/** What the schema says about `field` when `layers` are merged, or null when the value there is valid. */
function fieldProblem(schema: z.ZodType, layers: readonly ConfigLayer[], field: string): string | null {
  const merged = layers.reduce<PlainObject>((acc, layer) => deepMerge(acc, layer.value), {});
  const result = schema.safeParse(merged);
  if (result.success) return null;
  const issue = result.error.issues.find((i) => {
    const p = i.path.map(String).join('.');
    return (
      p === field || p.startsWith(`${field}.`) || (i.code === 'unrecognized_keys' && field.startsWith(p))
    );
  });
  return issue ? issue.message : null;
}

/**
 * One key given on the command line twice with different values (`--set epochs=two` and `--epochs 1`) is refused:
 * letting the later one win would drop the other silently, typo included. Each value is validated on its own so
 * the message says which of them is wrong too.
 */
function refuseConflicts(schema: z.ZodType, layers: readonly ConfigLayer[]): void {
  const given = new Map<string, { layer: ConfigLayer; value: unknown }[]>();
  for (const layer of layers.filter((l) => l.commandLine)) {
    for (const [key, value] of flattenConfig(layer.value)) {
      given.set(key, [...(given.get(key) ?? []), { layer, value }]);
    }
  }
  const base = layers.filter((l) => !l.commandLine);
  for (const [key, entries] of given) {
    if (new Set(entries.map((e) => JSON.stringify(e.value))).size < 2) continue;
    const each = entries.map(({ layer, value }) => {
      const problem = fieldProblem(schema, [...base, layer], key);
      // `--set k=v` and `--flag v` show their value; an object of flags does not.
      const named = layer.source.startsWith('--')
        ? layer.source
        : `${layer.source} (${JSON.stringify(value)})`;
      return `${named}${problem ? ` (invalid: ${problem})` : ''}`;
    });
    throw new ConfigError(
      `${key}: given ${entries.length} times on the command line with different values: ${each.join(', ')}; give it once`,
      key,
    );
  }
}

/** Loads `file` (if any) over `defaults`, then `--set` overrides, and validates. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  opts: ConfigSources & { defaults?: PlainObject; presetName?: string },
): z.output<S> {
  const layers: ConfigLayer[] = [];
  if (opts.defaults) layers.push({ source: opts.presetName ?? 'defaults', value: opts.defaults });
  return resolveConfig(schema, [...layers, ...userLayers(opts)]);
}

/** Saves a resolved configuration as YAML next to an output (atomic). */
export function saveConfig(file: string, config: unknown, header?: string): void {
  const text =
    (header
      ? header
          .split('\n')
          .map((l) => `# ${l}`)
          .join('\n') + '\n'
      : '') + YAML.stringify(config);
  writeFileAtomic(file, text);
}

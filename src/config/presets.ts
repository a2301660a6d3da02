/** Presets: the YAML files of a folder of this package (configs/sim, configs/inject, configs/sersic) named by `--preset`. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import { readYamlFile, type ConfigLayer, type PlainObject } from './load.js';

/** The package's configs/ folder, or a folder in it (src/config -> ../../configs; dist/ keeps the same depth). */
export function packageConfigDir(...sub: string[]): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../configs', ...sub);
}

/** The names of the YAML presets in a folder, sorted. */
export function listPresets(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** The file of `--preset name` in `dir`; an error lists the presets there. */
export function presetFile(dir: string, name: string): string {
  const file = path.join(dir, `${name}.yaml`);
  if (!existsSync(file))
    throw new ConfigError(
      `--preset ${name}: no such preset (available: ${listPresets(dir).join(', ')})`,
      'preset',
      '--preset',
    );
  return file;
}

/** `--preset name` as a layer named `preset name` in errors; none without a name. */
export function presetLayers(
  dir: string,
  name: string | undefined,
  read: (file: string) => PlainObject = readYamlFile,
): ConfigLayer[] {
  return name === undefined ? [] : [{ source: `preset ${name}`, value: read(presetFile(dir, name)) }];
}

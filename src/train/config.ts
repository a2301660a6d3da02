import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { deepMerge, readYamlFile, resolveConfig, userLayers } from '../config/load.js';
import type { ConfigLayer, ConfigSources, PlainObject } from '../config/load.js';
import { packageConfigDir } from '../config/presets.js';
import { trainConfigSchema, type TrainConfig } from './schema.js';
import { checkModelConfig } from './model-options.js';

/** The package's configs/ folder (presets resolve from any working directory). */
export const CONFIG_DIR = packageConfigDir();

export const TRAIN_PRESETS = ['quick', 'resnet18', 'vit', 'hybrid'] as const;

/** `configs/<name>.yaml`, or a path to a YAML file. */
export function presetPath(name: string): string {
  if (name.endsWith('.yaml') || name.endsWith('.yml') || name.includes('/')) return name;
  const file = path.join(CONFIG_DIR, `${name}.yaml`);
  if (!existsSync(file)) {
    throw new ConfigError(
      `unknown preset '${name}': expected one of ${TRAIN_PRESETS.join(', ')} or a YAML file`,
      'preset',
    );
  }
  return file;
}

/**
 * Resolves a training configuration: preset < YAML file < `--set key=value` < command-line flags, validated by
 * one schema (one key given twice on the command line with different values is refused). Returns also what the
 * user overrode (file, --set, flags), from which the run is named.
 */
export function loadTrainConfig(opts: ConfigSources & { preset?: string }): {
  config: TrainConfig;
  overridden: PlainObject;
} {
  const layers: ConfigLayer[] = [];
  if (opts.preset)
    layers.push({ source: `preset ${opts.preset}`, value: readYamlFile(presetPath(opts.preset)) });
  const user = userLayers(opts);
  const config = resolveConfig(trainConfigSchema, [...layers, ...user]);
  checkModelConfig(config);
  const overridden = user.reduce<PlainObject>((acc, l) => deepMerge(acc, l.value), {});
  return { config, overridden };
}

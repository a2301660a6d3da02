import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { flagLayers, readYamlFile, resolveConfig, userLayers } from '../../config/load.js';
import type { ConfigLayer, ConfigSources, PlainObject } from '../../config/load.js';
import { listPresets, packageConfigDir, presetLayers } from '../../config/presets.js';
import { isFractions, simulateConfigSchema, type SimulateConfig } from '../config.js';
import { loadSurvey } from '../survey.js';
import { isSeedsFormat, mapSeedsConfig } from '../seeds-format.js';

/** configs/sim/ of this package: the presets `--preset NAME` names. */
export const SIM_PRESET_DIR = packageConfigDir('sim');

export function listSimPresets(): string[] {
  return listPresets(SIM_PRESET_DIR);
}

/** Reads a YAML file; one in the seeds' format (General/LensArcs/Galaxy/Noise) is mapped to the simulate config. */
function readSimYaml(file: string, onNote?: (message: string) => void): PlainObject {
  const raw = readYamlFile(file);
  return isSeedsFormat(raw) ? mapSeedsConfig(raw, path.relative(process.cwd(), file) || file, onNote) : raw;
}

export interface LoadSimulateConfigOptions extends ConfigSources {
  preset?: string;
  /**
   * Values from command-line flags, applied last: an object (`{ n: 100, workers: 4 }`) or the CLI's flag layers, each
   * named as typed (`--n 100`), so a conflict names the flag. `n` over split counts keeps their proportions.
   */
  flags?: PlainObject | readonly (ConfigLayer | null)[];
  /** Hears how a seeds-format file was mapped (the deeplenstronomy backend, keys lensfind does not use). */
  onNote?: (message: string) => void;
}

/**
 * Resolves a simulate config: preset < YAML file (either format) < --set < flags, validated by one schema; errors
 * name the field and the layer that set it.
 */
export function loadSimulateConfig(opts: LoadSimulateConfigOptions): SimulateConfig {
  const layers: ConfigLayer[] = [
    ...presetLayers(SIM_PRESET_DIR, opts.preset, (f) => readSimYaml(f)),
    // flags last, after the split proportions `--n` may derive below
    ...userLayers({ file: opts.file, overrides: opts.overrides }, (f) => readSimYaml(f, opts.onNote)),
  ];
  const flags = flagLayers(opts.flags);
  const sets = (key: string) => flags.some((l) => l.value[key] !== undefined);
  if (sets('n') && !sets('splits')) {
    // `--n` over a config with split counts (the seeds' n_train/n_test): keep their proportions.
    const before = resolveConfig(simulateConfigSchema, layers);
    if (!isFractions(before.splits)) {
      const { train, val, test } = before.splits;
      const sum = train + val + test;
      // Derived, not typed by the user: not a command-line value that could conflict with a --set.
      layers.push({
        source: '--n (split proportions)',
        value: { splits: { train: train / sum, val: val / sum, test: test / sum } },
      });
    }
  }
  layers.push(...flags);
  const cfg = resolveConfig(simulateConfigSchema, layers);
  checkSurvey(cfg);
  return cfg;
}

/** The survey must exist (any backend, so a typo never passes silently) and, for physical, have the bands. */
function checkSurvey(cfg: SimulateConfig): void {
  const survey = loadSurvey(cfg.survey);
  if (cfg.backend !== 'physical' || !cfg.bands) return;
  const missing = cfg.bands.filter((b) => !(b in survey.bands));
  if (missing.length > 0) {
    throw new ConfigError(
      `bands: survey ${survey.name} has no band ${missing.map((b) => `'${b}'`).join(', ')} (bands: ${Object.keys(survey.bands).join(', ')})`,
      'bands',
    );
  }
}

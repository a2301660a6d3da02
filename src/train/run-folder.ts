import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { LensfindError, OutputError } from '../errors.js';
import { errnoReason } from '../io/mkdirs.js';
import { ensureWritableDir, writeMarker } from '../io/output-dir.js';
import { flattenConfig, readYamlFile, resolveConfig } from '../config/load.js';
import { upgradeRunConfig } from './config-upgrade.js';
import { trainConfigSchema, type TrainConfig } from './schema.js';

/** A run trained on fresh simulations (`data.sim`) keeps the simulate config of its training cutouts here. */
export const SIM_CONFIG_FILE = 'sim.yaml';
/** ... and, without `data.path`, its validation set here: an ordinary lensfind dataset, simulated once. */
export const VAL_DATA_DIR = 'val-data';

/**
 * The data a run validated on, and evaluates on by default: its `data.path`, or the validation set simulated into
 * the run folder when it trained on fresh simulations; undefined when it has neither.
 */
export function runDataPath(runDir: string, config: TrainConfig): string | undefined {
  return config.data.path ?? (config.data.sim ? path.join(runDir, VAL_DATA_DIR) : undefined);
}

/** Short names for common options in run names: `resnet18_lr0.001_bs64`. */
const ALIASES: Record<string, string> = {
  'optim.lr': 'lr',
  'optim.weight_decay': 'wd',
  batch_size: 'bs',
  epochs: 'ep',
  seed: 'seed',
  'model.dropout': 'drop',
  'model.init_weights': 'init',
  'loss.name': 'loss',
  'optim.name': 'opt',
  'data.sim.config': 'sim',
  'data.sim.n_per_epoch': 'simn',
  'data.sim.val_n': 'simval',
};

/**
 * Keys left out of names: where the run is and what it is called, and settings that change how fast it goes
 * but not what it learns (the same batches and draws for any worker count; another compute thread count or memory
 * format changes float sums in their last bits, not the recipe).
 */
const NOT_IN_NAME = new Set([
  'model.name',
  'data.path',
  'data.format',
  'run.name',
  'run.dir',
  'run.tensorboard',
  'threads',
  'memory_format',
  'device',
  'data.workers',
  'data.prefetch',
  'eval_batch_size',
]);

/** Last path segments too generic to name an option alone: `schedule.name` reads `schedule`. */
const GENERIC = new Set(['name', 'kind']);

function label(key: string): string {
  if (ALIASES[key]) return ALIASES[key];
  const parts = key.split('.');
  const last = parts.at(-1)!;
  return GENERIC.has(last) && parts.length > 1 ? parts.at(-2)! : last;
}

function slug(key: string, v: unknown): string {
  // A weights file or simulate config is named by its file name, not its folders or extension.
  const value = key === 'model.init_weights' || key === 'data.sim.config' ? path.parse(String(v)).name : v;
  return String(Array.isArray(value) ? value.join('-') : value).replace(/[^A-Za-z0-9.+-]+/g, '-');
}

/**
 * A run's name: the model name followed by every option the user overrode (file or flags, not the preset),
 * e.g. `resnet18_lr0.0003_bs64`, `lensnet_schedule-step_opt-sgd`. Numbers follow their label directly; words get a
 * hyphen so they stay readable (`schedule-step`, not `namestep`).
 */
export function runName(model: string, overridden: Record<string, unknown>): string {
  const parts = flattenConfig(overridden)
    .filter(([key]) => key !== '' && !NOT_IN_NAME.has(key))
    .map(([key, v]) => {
      const value = slug(key, v);
      return `${label(key)}${/^[A-Za-z]/.test(value) ? '-' : ''}${value}`;
    });
  return [model, ...parts].join('_').slice(0, 120);
}

/**
 * Creates `root/name`, or `root/name_2`, `_3`, ...: a run never overwrites another. Returns the folder made, with
 * its run marker. An unwritable or impossible `root` is an OutputError before any work.
 */
export function createRunFolder(root: string, name: string): string {
  ensureWritableDir(root);
  for (let i = 1; ; i++) {
    const dir = path.join(root, i === 1 ? name : `${name}_${i}`);
    if (existsSync(dir)) continue;
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new OutputError(`${dir}: cannot create the run folder: ${errnoReason(err)}`, dir);
    }
    writeMarker(dir, 'run');
    return dir;
  }
}

/**
 * A run folder's resolved training configuration (`config.yaml`), validated by the training schema; the camelCase
 * keys of runs saved before every key was snake_case are read as their new names (config-upgrade.ts).
 */
export function readRunConfig(runDir: string): TrainConfig {
  const file = path.join(runDir, 'config.yaml');
  if (!existsSync(file))
    throw new LensfindError('E_RUN', `${runDir}: not a run folder (config.yaml is missing)`);
  const value = upgradeRunConfig(readYamlFile(file));
  return resolveConfig(trainConfigSchema, [{ source: path.relative(process.cwd(), file) || file, value }]);
}

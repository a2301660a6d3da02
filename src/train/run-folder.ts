import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { LensfindError, OutputError } from '../errors.js';
import { errnoReason } from '../io/mkdirs.js';
import { ensureWritableDir, writeMarker } from '../io/output-dir.js';
import { loadConfig } from '../config/load.js';
import { trainConfigSchema, type TrainConfig } from './schema.js';

/** Short names for common options in run names: `resnet18_lr0.001_bs64`. */
const ALIASES: Record<string, string> = {
  'optim.lr': 'lr',
  'optim.weight_decay': 'wd',
  batch_size: 'bs',
  epochs: 'ep',
  seed: 'seed',
  'model.dropout': 'drop',
  'loss.name': 'loss',
  'optim.name': 'opt',
};

function flatten(obj: unknown, prefix = ''): [string, unknown][] {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return [[prefix, obj]];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) =>
    flatten(v, prefix ? `${prefix}.${k}` : k),
  );
}

function slug(v: unknown): string {
  return String(Array.isArray(v) ? v.join('-') : v).replace(/[^A-Za-z0-9.+-]+/g, '-');
}

/**
 * A run's name: the model name followed by every option the user overrode (file or flags, not the preset),
 * e.g. `resnet18_lr0.0003_bs64`. Keys without an alias use their last path segment.
 */
export function runName(model: string, overridden: Record<string, unknown>): string {
  const parts = flatten(overridden)
    .filter(
      ([key]) =>
        key !== 'model.name' && key !== 'data.path' && key !== 'run.name' && key !== 'run.dir' && key !== '',
    )
    .map(([key, v]) => `${ALIASES[key] ?? key.split('.').pop()}${slug(v)}`);
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

/** A run folder's resolved training configuration (`config.yaml`), validated by the training schema. */
export function readRunConfig(runDir: string): TrainConfig {
  const file = path.join(runDir, 'config.yaml');
  if (!existsSync(file))
    throw new LensfindError('E_RUN', `${runDir}: not a run folder (config.yaml is missing)`);
  return loadConfig(trainConfigSchema, { file });
}

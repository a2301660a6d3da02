/**
 * A `lensfind sersic` run folder, like `lensfind train`'s: `config.yaml` (resolved), `train.log`, `metrics.jsonl`
 * (one line per validation), `checkpoints/best/` and `checkpoints/last/` (model, optimizer, step), `summary.json`.
 * One function builds the network of a run; one loads it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LensfindError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { Generator } from '../torch/random.js';
import { loadCheckpointWeights } from '../train/checkpoint.js';
import { layOut } from '../train/model-options.js';
import { sersicConfigSchema, type SersicConfig } from './config.js';
import { makeSpace } from './data.js';
import { PosteriorNet } from './model.js';
import type { ParamSpace } from './params.js';
import { readRecalibration, type WidthScaling } from './recalibration.js';

/** The posterior network of a config, its convolutions laid out as `memory_format` says. */
export function buildNet(config: SersicConfig, space: ParamSpace, generator?: Generator): PosteriorNet {
  return layOut(
    new PosteriorNet(config.model, config.bands.length, config.image_size, space.dim, generator),
    config,
  );
}

export interface SersicRun {
  dir: string;
  config: SersicConfig;
  space: ParamSpace;
  net: PosteriorNet;
  /** The run's width recalibration (`recalibration.json`, written by `sersic calibrate`), if any. */
  recalibration?: WidthScaling;
}

/**
 * The network of a run folder with its `best` (default) or `last` weights, in eval mode, and its recalibration
 * unless `recalibration: false` (which `sersic calibrate`, about to replace it, passes).
 */
export function loadSersicRun(
  dir: string,
  which: 'best' | 'last' = 'best',
  opts: { recalibration?: boolean } = {},
): SersicRun {
  const file = path.join(dir, 'config.yaml');
  if (!existsSync(file))
    throw new LensfindError('E_RUN', `${dir}: not a sersic run folder (config.yaml is missing)`);
  const config = loadConfig(sersicConfigSchema, { file });
  const space = makeSpace(config);
  const net = buildNet(config, space, new Generator(config.seed));
  const ckpt = path.join(dir, 'checkpoints', which);
  if (!existsSync(ckpt)) throw new LensfindError('E_RUN', `${dir}: no checkpoints/${which} (train it first)`);
  loadCheckpointWeights(ckpt, net);
  net.eval();
  const recalibration = opts.recalibration === false ? undefined : readRecalibration(dir, space);
  return { dir, config, space, net, ...(recalibration ? { recalibration } : {}) };
}

import path from 'node:path';
import { ConfigError, LensfindError } from '../errors.js';
import { openDataset } from '../data/open.js';
import { splitIndices } from '../data/split.js';
import type { Dataset, DataFormat, SkippedItem, Split } from '../data/types.js';
import { writeFileAtomic } from '../io/atomic.js';
import { claimOutputDir, ensureWritableDir } from '../io/output-dir.js';
import { calibrationPath, loadRun, type LoadedRun } from '../infer/load-run.js';
import { runDataPath } from '../train/run-folder.js';
import type { CombineMethod } from '../infer/ensemble.js';
import { expectedCalibrationError, logLoss } from './probability.js';
import { datasetImaging } from './dataset-imaging.js';
import { gatherScores, type GatheredScores } from '../infer/score-stream.js';
import { formatSummaryTable, jsonSafe, writeEvaluation, type EvaluationReport } from './report-write.js';
import { sigmoid } from '../metrics/sigmoid.js';
import { fitTemperature } from './temperature.js';

export interface EvaluateDataOptions {
  /** Dataset path (default: the first run's training data, or the validation set it simulated: runDataPath). */
  data?: string;
  format?: DataFormat;
  /**
   * Default: 'test', or 'val' when the data has no test split; for a dataset other than the run's own that
   * declares no split at all, every item ('all').
   */
  split?: Split | 'all';
  checkpoint?: 'best' | 'last';
  tta?: boolean;
  batchSize?: number;
  workers?: number;
  /** Bootstrap resamples (default 1000). */
  bootstrap?: number;
  plots?: boolean;
  onSkip?: (s: SkippedItem) => void;
  onBatch?: (done: number, total: number) => void;
  onStage?: (message: string) => void;
}

interface OpenedEvalData {
  dataset: Dataset;
  dataPath: string;
  split: Split | 'all';
  indices: number[];
}

/**
 * Opens the evaluation data with the run's reader settings (format, seed, validation fraction), so a run's
 * own data splits exactly as in training; picks the split (test, else val).
 */
export async function openEvalData(
  run: LoadedRun,
  opts: EvaluateDataOptions,
  defaultSplits: Split[],
): Promise<OpenedEvalData> {
  // A run trained on fresh simulations evaluates on its simulated validation set by default.
  const runData = runDataPath(run.runDir, run.config);
  const dataPath = opts.data ?? runData;
  if (!dataPath) {
    throw new ConfigError(`${run.runDir}: the run's config has no data.path; give --data PATH`, 'data.path');
  }
  const sameData = opts.data === undefined || path.resolve(opts.data) === path.resolve(runData ?? '');
  const runFormat = run.config.data.format === 'auto' ? undefined : run.config.data.format;
  const dataset = await openDataset(dataPath, {
    format: opts.format ?? (sameData ? runFormat : undefined),
    // The run's own data splits exactly as in training; other data keeps only the splits it declares.
    valFraction: sameData ? run.config.data.val_fraction : 0,
    seed: run.config.seed,
    labels: sameData ? run.config.data.labels : undefined,
    dataRoot: sameData ? run.config.data.root : undefined,
    onSkip: opts.onSkip,
  });
  const all = dataset.items.map((_, i) => i);
  if (opts.split === 'all') return { dataset, dataPath, split: 'all', indices: all };
  const splits = opts.split ? [opts.split] : defaultSplits;
  for (const split of splits) {
    const indices = splitIndices(dataset.items, split);
    if (indices.length > 0) return { dataset, dataPath, split, indices };
  }
  const have = [...new Set(dataset.items.map((it) => it.split))];
  // Another dataset without declared splits (read as all 'train') is an evaluation set as a whole.
  if (!sameData && !opts.split && have.length === 1 && have[0] === 'train') {
    return { dataset, dataPath, split: 'all', indices: all };
  }
  throw new LensfindError(
    'E_DATA',
    `${dataPath}: no items in split ${splits.map((x) => `'${x}'`).join(' or ')} (the data has: ${have.join(', ')}); ` +
      'pick one with --split (or --split all)',
  );
}

/** Scores the opened items with one run, in the run's evaluation batch size and worker count unless overridden. */
function scoreOneRun(
  run: LoadedRun,
  opened: OpenedEvalData,
  opts: EvaluateDataOptions,
): Promise<GatheredScores> {
  opts.onBatch?.(0, opened.indices.length);
  return gatherScores([run], opened.dataset, opened.indices, {
    batchSize: opts.batchSize ?? run.config.eval_batch_size,
    tta: opts.tta,
    workers: opts.workers ?? run.config.data.workers,
    onSkip: opts.onSkip,
    onBatch: (d) => opts.onBatch?.(d, opened.indices.length),
  });
}

/** eval/<dataset> folder name: the data folder's name, with the split, checkpoint and TTA when not the default. */
export function evalFolderName(
  dataPath: string,
  split: Split | 'all',
  checkpoint: string,
  tta: boolean,
): string {
  const base = path.basename(path.resolve(dataPath)).replace(/\.(npy|npz)$/, '');
  return [
    base,
    split !== 'test' && split !== 'all' ? split : '',
    checkpoint !== 'best' ? checkpoint : '',
    tta ? 'tta' : '',
  ]
    .filter(Boolean)
    .join('-');
}

async function report(
  runs: LoadedRun[],
  opened: OpenedEvalData,
  scores: GatheredScores,
  outDir: string,
  opts: EvaluateDataOptions,
  config: Record<string, unknown>,
): Promise<EvaluationReport> {
  const { dataset } = opened;
  return writeEvaluation(
    outDir,
    {
      ids: scores.ids,
      labels: scores.labels,
      score: scores.score,
      logit: scores.logit,
      meta: scores.indices.map((i) => dataset.items[i].meta),
      models:
        runs.length > 1
          ? runs.map((r, m) => ({ name: modelName(runs, m), probs: scores.probs[m] }))
          : undefined,
      image: (k) => dataset.load(scores.indices[k]),
      shape: [dataset.bands, dataset.height, dataset.width],
      ...datasetImaging(opened.dataPath),
    },
    {
      history: runs.length === 1 ? path.join(runs[0].runDir, 'metrics.jsonl') : undefined,
      bootstrap: opts.bootstrap,
      onStage: opts.onStage,
      plots: opts.plots,
      config: {
        ...config,
        data: path.resolve(opened.dataPath),
        format: dataset.format,
        split: opened.split,
        images: scores.ids.length,
        skipped: dataset.skipped.length,
        tta: opts.tta ?? false,
        seconds: Number(scores.seconds.toFixed(3)),
      },
    },
  );
}

/** Unique short names for ensemble members (run folder names, numbered when two are the same). */
function modelName(runs: LoadedRun[], m: number): string {
  const name = runs[m].name.replace(/[^A-Za-z0-9._-]+/g, '-');
  return runs.filter((r) => r.name === runs[m].name).length > 1 ? `${name}-${m + 1}` : name;
}

export interface EvaluateResult extends EvaluationReport {
  scores: GatheredScores;
  split: Split | 'all';
}

export type EvaluateOptions = EvaluateDataOptions & { out?: string };

/**
 * `lensfind evaluate`: scores a dataset with a run and writes <run>/eval/<dataset>/ (or `out`). Called as
 * evaluateRun(runDir, options) or evaluateRun({ run: runDir, ...options }).
 */
export async function evaluateRun(runDir: string, opts?: EvaluateOptions): Promise<EvaluateResult>;
export async function evaluateRun(opts: EvaluateOptions & { run: string }): Promise<EvaluateResult>;
export async function evaluateRun(
  first: string | (EvaluateOptions & { run: string }),
  second: EvaluateOptions = {},
): Promise<EvaluateResult> {
  const [runDir, opts] = typeof first === 'string' ? [first, second] : [first.run, first];
  // The output is checked before any scoring (its default name needs the split, known once the data is open).
  if (opts.out) claimOutputDir(opts.out, 'evaluation');
  const run = loadRun(runDir, { checkpoint: opts.checkpoint });
  if (!opts.out) ensureWritableDir(path.join(runDir, 'eval'));
  const opened = await openEvalData(run, opts, ['test', 'val']);
  const outDir =
    opts.out ??
    path.join(
      runDir,
      'eval',
      evalFolderName(opened.dataPath, opened.split, run.checkpoint, opts.tta ?? false),
    );
  claimOutputDir(outDir, 'evaluation');
  const scores = await scoreOneRun(run, opened, opts);
  const rep = await report([run], opened, scores, outDir, opts, {
    command: 'evaluate',
    run: path.resolve(runDir),
    checkpoint: run.checkpoint,
    epoch: run.epoch,
    temperature: run.temperature,
  });
  return { ...rep, scores, split: opened.split };
}

/** `lensfind ensemble`: combines several runs (any architectures and input sizes) on one dataset into `out`. */
export async function evaluateEnsemble(
  runDirs: string[],
  opts: EvaluateDataOptions & { out: string; method?: CombineMethod; weights?: number[] },
): Promise<EvaluateResult> {
  if (runDirs.length === 0)
    throw new ConfigError('ensemble: give at least one run (--runs R1 R2 ...)', 'runs');
  claimOutputDir(opts.out, 'evaluation');
  const runs = runDirs.map((r) => loadRun(r, { checkpoint: opts.checkpoint }));
  const opened = await openEvalData(runs[0], opts, ['test', 'val']);
  opts.onBatch?.(0, opened.indices.length);
  const scores = await gatherScores(runs, opened.dataset, opened.indices, {
    batchSize: opts.batchSize ?? runs[0].config.eval_batch_size,
    tta: opts.tta,
    workers: opts.workers ?? 1,
    method: opts.method,
    weights: opts.weights,
    onSkip: opts.onSkip,
    onBatch: (d) => opts.onBatch?.(d, opened.indices.length),
  });
  const rep = await report(runs, opened, scores, opts.out, opts, {
    command: 'ensemble',
    runs: runs.map((r) => ({
      run: path.resolve(r.runDir),
      checkpoint: r.checkpoint,
      model: r.config.model.name,
      imageSize: r.imageSize,
      temperature: r.temperature,
    })),
    method: opts.method ?? 'mean',
    ...(opts.weights ? { weights: opts.weights } : {}),
  });
  return { ...rep, scores, split: opened.split };
}

export interface CalibrationResult {
  temperature: number;
  n: number;
  split: Split | 'all';
  before: { ece: number; logLoss: number };
  after: { ece: number; logLoss: number };
  file: string;
}

/**
 * `lensfind calibrate`: fits the temperature T of sigmoid(logit / T) on the validation split by minimising the
 * log loss, and stores it atomically in <run>/calibration.json, which loadRun (so evaluate and predict) applies.
 */
export async function calibrateRun(
  runDir: string,
  opts: EvaluateDataOptions = {},
): Promise<CalibrationResult> {
  const run = loadRun(runDir, { checkpoint: opts.checkpoint });
  ensureWritableDir(runDir); // calibration.json goes there: checked before scoring
  run.temperature = 1; // fit on the raw logits, whatever an earlier calibration stored
  const opened = await openEvalData(run, opts, ['val']);
  const scores = await scoreOneRun(run, opened, opts);
  const logits = scores.logits[0];
  const temperature = fitTemperature(logits, scores.labels);
  const measure = (t: number) => {
    const p = logits.map((z) => sigmoid(z / t));
    return { ece: expectedCalibrationError(scores.labels, p), logLoss: logLoss(scores.labels, p) };
  };
  const result = {
    temperature,
    n: logits.length,
    split: opened.split,
    before: measure(1),
    after: measure(temperature),
    file: calibrationPath(runDir),
  };
  const { file: _f, ...stored } = result;
  writeFileAtomic(
    result.file,
    jsonSafe({
      ...stored,
      method: 'temperature',
      checkpoint: run.checkpoint,
      data: path.resolve(opened.dataPath),
      tta: opts.tta ?? false,
      created: new Date().toISOString(),
    }) + '\n',
  );
  return result;
}

/** Prints the compact metrics table of an evaluation and where its files are. */
export function printEvaluation(res: EvaluateResult, log: (line: string) => void = console.log): void {
  const extra: [string, string][] = [
    ['split', res.split],
    ['scoring seconds', res.scores.seconds.toFixed(1)],
    ...res.models.map((m): [string, string] => [
      `  ${m.name}`,
      `AUC ${m.rocAuc?.toFixed(4) ?? '-'}  AP ${m.averagePrecision?.toFixed(4) ?? '-'}`,
    ]),
  ];
  log(formatSummaryTable(res.summary, extra));
  const plots = res.files.filter((f) => f.endsWith('.png'));
  log(`wrote ${res.outDir}: metrics.json, predictions.csv${plots.length ? `, ${plots.join(', ')}` : ''}`);
}

import { LensfindError } from '../errors.js';
import { BatchLoader, type Batch } from '../data/loader.js';
import type { Dataset, SkippedItem } from '../data/types.js';
import { fromTypedArray } from '../torch/creation.js';
import { interpolate } from '../torch/functional.js';
import { scope } from '../torch/scope.js';
import type { LoadedRun } from './load-run.js';
import { combineScores, type CombineMethod } from './ensemble.js';
import { logit, sigmoid } from '../metrics/sigmoid.js';
import type { ScoringBackend } from './onnx-scorer.js';
import { openScorers, type Scorer } from './scorer.js';

/** What scoring needs of a dataset: labelled or not (an unlabeled input has label NaN). */
export type ScoreSource = Pick<Dataset, 'items' | 'bands' | 'height' | 'width'>;

export interface ScoreOptions {
  batchSize?: number;
  /** Average logits over the 8 flips and 90° rotations. */
  tta?: boolean;
  /** Data worker threads per model (0: prepare batches on the main thread). */
  workers?: number;
  prefetch?: number;
  /** How several models' probabilities are combined (default 'mean'). */
  method?: CombineMethod;
  weights?: readonly number[];
  /** The engine: 'torch' (libtorch, the model as loaded) or 'onnx' (ONNX Runtime on the exported graph). */
  backend?: ScoringBackend;
  onSkip?: (s: SkippedItem) => void;
}

/** Scores of one batch of items by every model, and their combination. */
export interface ScoredBatch {
  /** Dataset indices, in order. */
  indices: number[];
  ids: string[];
  labels: Float32Array;
  /** Raw logits per model ([model][item]): probability = sigmoid(logit / temperature). */
  logits: Float64Array[];
  /** Calibrated probabilities per model. */
  probs: Float64Array[];
  /** The combined lens probability (the model's own for one model). */
  score: Float64Array;
  /** For one model its raw logit; for an ensemble logit(score). */
  logit: Float64Array;
}

/** Checks that a model can score the data: same bands; other image sizes are resized per batch. */
export function checkRunFitsData(run: LoadedRun, data: ScoreSource, where: string): void {
  if (run.bands !== data.bands) {
    throw new LensfindError(
      'E_DATA',
      `${where}: the data has ${data.bands} bands but run ${run.runDir} was trained on ${run.bands}; ` +
        'expected the same bands in the same order',
    );
  }
}

/** Bilinear resize of a normalised batch to the model's input size (identity when sizes agree). */
function fitBatchToModel(batch: Batch, size: number): Pick<Batch, 'x' | 'shape'> {
  const [n, c, h, w] = batch.shape;
  if (h === size && w === size) return batch;
  const x = scope(
    () =>
      interpolate(fromTypedArray(batch.x, batch.shape), {
        size: [size, size],
        mode: 'bilinear',
        alignCorners: false,
      }).dataSync() as Float32Array,
  );
  return { x, shape: [n, c, size, size] };
}

const CLIP = 1e-15;

/** One loader per run (its own normalisation), walking the same indices in the same batches. */
function openLoaders(runs: readonly LoadedRun[], dataset: Dataset, opts: ScoreOptions): BatchLoader[] {
  const skippedSeen = new Set<string>();
  const onSkip = (s: SkippedItem) => {
    // Every model's loader meets the same bad file: report it once.
    if (skippedSeen.has(s.source)) return;
    skippedSeen.add(s.source);
    opts.onSkip?.(s);
  };
  return runs.map(
    (run) =>
      new BatchLoader(dataset, {
        normalization: run.normalization,
        augmentation: null,
        seed: 0,
        workers: opts.workers ?? 1,
        prefetch: opts.prefetch ?? 2,
        onSkip,
      }),
  );
}

/** The next batch of every loader, or null when all are done (an error when only some are). */
async function nextBatches(streams: AsyncIterator<Batch>[]): Promise<Batch[] | null> {
  const results = await Promise.all(streams.map((s) => s.next()));
  if (results.some((r) => r.done)) {
    if (!results.every((r) => r.done)) {
      throw new LensfindError(
        'E_DATA',
        "score: the models' data loaders went out of step (a file changed while reading?)",
      );
    }
    return null;
  }
  return results.map((r) => r.value as Batch);
}

/** Scores one batch per model and combines them, keeping the items every loader kept. */
async function scoreBatch(
  runs: readonly LoadedRun[],
  scorers: readonly Scorer[],
  batches: readonly Batch[],
  opts: ScoreOptions,
): Promise<ScoredBatch> {
  // Items kept by every loader (the same unless a file changed between reads).
  const common = batches
    .map((b) => new Set(b.indices))
    .reduce((a, b) => new Set([...a].filter((i) => b.has(i))));
  const logits: Float64Array[] = [];
  for (const [m, b] of batches.entries()) {
    const l = await scorers[m].logits(fitBatchToModel(b, runs[m].imageSize), opts.tta ?? false);
    const keep: number[] = [];
    b.indices.forEach((idx, k) => common.has(idx) && keep.push(l[k]));
    logits.push(Float64Array.from(keep));
  }
  const first = batches[0];
  const pos = first.indices.map((idx, k) => (common.has(idx) ? k : -1)).filter((k) => k >= 0);
  const probs = logits.map((l, m) => Float64Array.from(l, (z) => sigmoid(z / runs[m].temperature)));
  const score = Float64Array.from(
    runs.length === 1 ? probs[0] : combineScores(probs, opts.method ?? 'mean', opts.weights),
  );
  const logit1 =
    runs.length === 1
      ? logits[0]
      : Float64Array.from(score, (p) => logit(Math.min(Math.max(p, CLIP), 1 - CLIP)));
  return {
    indices: pos.map((k) => first.indices[k]),
    ids: pos.map((k) => first.ids[k]),
    labels: Float32Array.from(pos, (k) => first.y[k]),
    logits,
    probs,
    score,
    logit: logit1,
  };
}

/**
 * Scores `indices` of the data with one or several models in streamed batches (memory stays bounded by the
 * batch size and prefetch). Every model has its own loader with its own normalisation; the loaders walk the
 * same indices in the same batches, so their items line up (an item unreadable for one model is dropped for
 * all). Temperatures from `lensfind calibrate` are applied per model before combining.
 */
export async function* scoreBatches(
  runs: readonly LoadedRun[],
  data: ScoreSource,
  indices: readonly number[],
  opts: ScoreOptions = {},
): AsyncGenerator<ScoredBatch> {
  if (runs.length === 0) throw new LensfindError('E_USAGE', 'scoring needs at least one run');
  runs.forEach((r) => checkRunFitsData(r, data, 'score'));
  const batchSize = opts.batchSize ?? 256;
  const loaders = openLoaders(runs, data as Dataset, opts);
  const streams = loaders.map((l) =>
    l.epoch(indices, { epoch: 0, batchSize, sampler: 'none', augment: false })[Symbol.asyncIterator](),
  );
  const wasTraining = runs.map((r) => r.model.training);
  runs.forEach((r) => r.model.eval());
  let scorers: Scorer[] = [];
  try {
    scorers = await openScorers(runs, opts.backend);
    for (let batches = await nextBatches(streams); batches; batches = await nextBatches(streams)) {
      yield await scoreBatch(runs, scorers, batches, opts);
    }
  } finally {
    await Promise.all(streams.map((s) => s.return?.(undefined)));
    await Promise.all(loaders.map((l) => l.close()));
    await Promise.all(scorers.map((s) => s.release()));
    runs.forEach((r, m) => r.model.train(wasTraining[m]));
  }
}

/** All scores of `indices`, gathered (evaluation sets fit in memory; predict streams instead). */
export interface GatheredScores {
  indices: number[];
  ids: string[];
  labels: number[];
  logits: number[][];
  probs: number[][];
  score: number[];
  logit: number[];
  seconds: number;
}

export async function gatherScores(
  runs: readonly LoadedRun[],
  data: ScoreSource,
  indices: readonly number[],
  opts: ScoreOptions & { onBatch?: (done: number) => void } = {},
): Promise<GatheredScores> {
  const t0 = performance.now();
  const out: GatheredScores = {
    indices: [],
    ids: [],
    labels: [],
    logits: runs.map(() => []),
    probs: runs.map(() => []),
    score: [],
    logit: [],
    seconds: 0,
  };
  for await (const b of scoreBatches(runs, data, indices, opts)) {
    out.indices.push(...b.indices);
    out.ids.push(...b.ids);
    out.labels.push(...b.labels);
    b.logits.forEach((l, m) => out.logits[m].push(...l));
    b.probs.forEach((p, m) => out.probs[m].push(...p));
    out.score.push(...b.score);
    out.logit.push(...b.logit);
    opts.onBatch?.(out.ids.length);
  }
  out.seconds = (performance.now() - t0) / 1000;
  return out;
}

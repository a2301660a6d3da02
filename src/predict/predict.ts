import { createHash } from 'node:crypto';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { ensureWritableFile } from '../io/output-dir.js';
import { acquireLock } from '../io/process-lock.js';
import { readRegularFile } from '../io/read-fd.js';
import type { DataFormat, SkippedItem } from '../data/types.js';
import { describe } from '../data/source.js';
import { writeCsv, type CsvRow } from '../io/csv.js';
import type { CombineMethod } from '../infer/ensemble.js';
import { loadRun, type LoadedRun } from '../infer/load-run.js';
import { catalogFormat } from './catalog.js';
import { catalogColumns, writeShard, writeSortedCatalog, type PredictScores } from './outputs.js';
import { openPredictInput, type PredictInput } from './input.js';
import { openTileInput } from './tile-input.js';
import { DEFAULT_PART_SIZE, fingerprint, PartStore, type PartRecord } from './parts.js';
import { scoreParts } from './score-parts.js';
import { DEFAULT_BACKEND, type ScoringBackend } from '../infer/onnx-scorer.js';

export interface PredictOptions {
  /** One run, or several for an ensemble. */
  runs: string[];
  /** Cutouts to score; with `tiles`, the object catalogue (.csv or .parquet with ra, dec). */
  input: string;
  /** Cut the cutouts from survey tiles around the catalogue's objects (see openTileInput). */
  tiles?: { pattern: string; bands: string[] };
  /** The catalogue file (.csv); rejected.csv is written beside it. */
  out: string;
  checkpoint?: 'best' | 'last';
  format?: DataFormat;
  batchSize?: number;
  tta?: boolean;
  method?: CombineMethod;
  weights?: number[];
  /** Data worker threads per model. */
  workers?: number;
  /** A folder besides the input's that its manifest or links may name files in (see PathGuard). */
  dataRoot?: string;
  /** Items per part file (the work a kill can lose; default DEFAULT_PART_SIZE). */
  partSize?: number;
  /** The scoring engine (default DEFAULT_BACKEND: the faster one measured by bench:predict). */
  backend?: ScoringBackend;
  /**
   * Score only this shard's parts (0-based index of count) and write them as one Parquet file in `<out>.parts/`
   * (`lensfind merge` makes the catalogue); no catalogue is written (see PartStore).
   */
  shard?: { index: number; count: number };
  onBatch?: (done: number, total: number) => void;
  onReject?: (s: SkippedItem) => void;
  /** Notes for the user (parts of other arguments discarded). */
  onNote?: (message: string) => void;
}

export interface PredictResult {
  /** The catalogue (and rejected.csv beside it): written unless parts are left to other shards. */
  catalog: string;
  rejectedFile: string;
  /** Images scored by this call (parts kept from an earlier call are not counted). */
  scored: number;
  /** Images in the catalogue (all parts). */
  scoredTotal?: number;
  /** Parts left to other shards: 0 when the catalogue was written. */
  pendingParts: number;
  /** With `shard`: the shard's Parquet file (in `<out>.parts/`), for `lensfind merge`. */
  shardFile?: string;
  rejected: SkippedItem[];
  seconds: number;
  imagesPerSecond: number;
  /** The highest-scored rows (up to 10), for the console. */
  top: { id: string; score: number; rank: number }[];
}

/** The digest of what fixes the scores: each model's weights and settings, the input listing, the options. */
function planFingerprint(
  runs: LoadedRun[],
  input: PredictInput,
  opts: PredictOptions,
  batchSize: number,
): string {
  const models = runs.map((r) => ({
    run: path.resolve(r.runDir),
    checkpoint: r.checkpoint,
    weights: createHash('sha256')
      .update(readRegularFile(path.join(r.runDir, 'checkpoints', r.checkpoint, 'model.safetensors')))
      .digest('hex'),
    temperature: r.temperature,
    normalization: r.normalization,
  }));
  const listing = createHash('sha256');
  for (const it of input.items) listing.update(`${it.id}\0${describe(it.source)}\n`);
  return fingerprint([
    'lensfind predict parts 1',
    models,
    { root: input.root, format: input.format, items: listing.digest('hex') },
    {
      tta: opts.tta ?? false,
      method: opts.method ?? 'mean',
      weights: opts.weights ?? null,
      batchSize,
      backend: opts.backend ?? DEFAULT_BACKEND,
    },
  ]);
}

/**
 * `lensfind predict`: scores unlabeled cutouts with one run or an ensemble in streamed batches (only the
 * prefetched batches' pixels are held; per item a score is kept for the sort), writes the catalogue sorted by
 * score (id, path, score, rank, logit, and score_<run> per ensemble member) and rejected.csv (source, reason)
 * listing every file that could not be read; a bad file never stops the run. The output is checked before any
 * work; finished parts are kept in `<out>.parts/` (PartStore), so a re-run with the same arguments continues and
 * writes the same catalogue as an uninterrupted run; with `shard` only that shard's parts are scored.
 */
export async function predict(opts: PredictOptions): Promise<PredictResult> {
  if (opts.runs.length === 0) throw new ConfigError('predict: give --run RUN or --runs R1 R2 ...', 'run');
  catalogFormat(opts.out); // refuses an unknown extension before any work
  ensureWritableFile(opts.out);
  const runs = opts.runs.map((r) => loadRun(r, { checkpoint: opts.checkpoint }));
  const input = await openInput(runs, opts);
  for (const r of input.rejected) opts.onReject?.(r);
  const batchSize = opts.batchSize ?? runs[0].config.eval_batch_size;
  // One unsharded predict per output at a time: a second one with other arguments would clear the first's parts.
  // Shards share `<out>.parts/` by design (each writes only its own parts) and take no lock.
  const lock = opts.shard ? null : acquireLock(`${path.resolve(opts.out)}.lock`, opts.out, 'E_OUTPUT_LOCKED');
  try {
    return await predictLocked(runs, input, opts, batchSize);
  } finally {
    lock?.release();
  }
}

async function predictLocked(
  runs: LoadedRun[],
  input: PredictInput,
  opts: PredictOptions,
  batchSize: number,
): Promise<PredictResult> {
  const rejected = [...input.rejected];
  const store = openPartStore(runs, input, opts, batchSize);
  const { scores, scored, seconds, pending } = await scoreAllParts(runs, input, store, opts, batchSize);
  const rejectedFile = path.join(path.dirname(path.resolve(opts.out)), 'rejected.csv');
  for (const r of scores.partRejected) if (r) rejected.push(...r);
  const result = {
    catalog: opts.out,
    rejectedFile,
    scored,
    rejected,
    seconds,
    imagesPerSecond: seconds > 0 ? scored / seconds : 0,
    top: [] as PredictResult['top'],
    pendingParts: pending,
  };
  const cols = catalogColumns(runs, input, scores.members.length > 0);
  // A shard writes its own Parquet file; the catalogue is left to `lensfind merge` (or a run without --shard).
  if (opts.shard) return { ...result, shardFile: writeShard(store, input, opts.shard, scores, cols) };
  const order = writeSortedCatalog(
    opts.out,
    catalogFormat(opts.out),
    input,
    scores,
    cols,
    rejected[0]?.reason ?? '-',
  );
  writeCsv(rejectedFile, rejected as unknown as CsvRow[], ['source', 'reason']);
  store.clear();
  const { score } = scores;
  return {
    ...result,
    scoredTotal: order.length,
    top: order.slice(0, 10).map((i, k) => ({ id: input.items[i].id, score: score[i], rank: k + 1 })),
  };
}

/** The cutouts to score: a dataset or stack, or cutouts cut from survey tiles around a catalogue's objects. */
async function openInput(runs: LoadedRun[], opts: PredictOptions): Promise<PredictInput> {
  const bands = runs[0].bands;
  return opts.tiles
    ? await openTileInput(
        { pattern: opts.tiles.pattern, catalog: opts.input, bands: opts.tiles.bands },
        { bands, height: runs[0].imageSize, width: runs[0].imageSize },
      )
    : await openPredictInput(opts.input, { bands, format: opts.format, dataRoot: opts.dataRoot });
}

/** `<out>.parts/`: the parts finished by earlier calls, kept when their plan's fingerprint matches. */
function openPartStore(
  runs: LoadedRun[],
  input: PredictInput,
  opts: PredictOptions,
  batchSize: number,
): PartStore {
  const n = input.items.length;
  // Whole batches per part: no batch spans two parts, so a resumed run scores the batches an uninterrupted one does.
  const partSize = Math.ceil((opts.partSize ?? DEFAULT_PART_SIZE) / batchSize) * batchSize;
  return PartStore.open(
    `${path.resolve(opts.out)}.parts`,
    {
      fingerprint: planFingerprint(runs, input, opts, batchSize),
      n,
      partSize,
      parts: Math.ceil(n / partSize),
    },
    { keepForeign: opts.shard !== undefined, onNote: opts.onNote },
  );
}

/**
 * The scores of every item: parts kept from earlier calls are read, this call's parts (all, or its shard's) are
 * scored and stored as they finish; parts of other shards are counted as pending.
 */
async function scoreAllParts(
  runs: LoadedRun[],
  input: PredictInput,
  store: PartStore,
  opts: PredictOptions,
  batchSize: number,
): Promise<{ scores: PredictScores; scored: number; seconds: number; pending: number }> {
  const n = input.items.length;
  const scores: PredictScores = {
    score: new Float64Array(n).fill(NaN),
    logit: new Float64Array(n),
    members: runs.length > 1 ? runs.map(() => new Float32Array(n)) : [],
    // Per part, in part order, so rejected.csv lists them as an uninterrupted run does.
    partRejected: [],
  };
  const { score, logit, members, partRejected } = scores;
  let done = 0;
  let reported = -1;
  const progress = (d: number) => {
    if (d !== reported) opts.onBatch?.((reported = d), n);
  };
  const take = (rec: PartRecord) => {
    rec.indices.forEach((i, k) => {
      score[i] = rec.score[k];
      logit[i] = rec.logit[k];
      members.forEach((m, j) => (m[i] = rec.members[j][k]));
    });
    partRejected[rec.part] = rec.rejected;
    progress((done += rec.count));
  };
  progress(0);
  const todo: number[] = [];
  let pending = 0;
  for (let p = 0; p < store.plan.parts; p++) {
    const kept = store.read(p);
    if (kept) take(kept);
    else if (opts.shard && p % opts.shard.count !== opts.shard.index) pending++;
    else todo.push(p);
  }
  const t0 = performance.now();
  const scored = await scoreParts(runs, input, store, todo, members.length > 0, {
    batchSize,
    tta: opts.tta,
    method: opts.method,
    weights: opts.weights,
    backend: opts.backend ?? DEFAULT_BACKEND,
    workers: opts.workers ?? 1,
    onSkip: opts.onReject,
    onPart: (rec) => {
      store.write(rec);
      take(rec);
    },
    onItems: (k) => progress(done + k),
  });
  return { scores, scored, seconds: (performance.now() - t0) / 1000, pending };
}

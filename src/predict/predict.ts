import { createHash } from 'node:crypto';
import path from 'node:path';
import { ConfigError, LensfindError } from '../errors.js';
import { ensureWritableFile } from '../io/output-dir.js';
import { readRegularFile } from '../io/read-fd.js';
import type { DataFormat, SkippedItem } from '../data/types.js';
import { describe } from '../data/source.js';
import { writeCsv, type CsvRow } from '../io/csv.js';
import type { CombineMethod } from '../infer/ensemble.js';
import { loadRun, type LoadedRun } from '../infer/load-run.js';
import { catalogFormat, writeCsvStreamed, writeParquetCatalog } from './catalog.js';
import { openPredictInput, type PredictInput } from './input.js';
import { openTileInput } from './tile-input.js';
import { DEFAULT_PART_SIZE, fingerprint, PartStore, type PartRecord } from './parts.js';
import { scoreParts } from './score-parts.js';
import { writeShardTable, type ShardRow } from './merge.js';
import { shardFileName } from './shard.js';
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

/** The items' metadata columns (tile inputs: the catalogue's), in first-seen order, less lensfind's own names. */
function metaColumns(input: PredictInput, taken: readonly string[]): string[] {
  if (input.format !== 'tiles') return [];
  const seen = new Set<string>(taken);
  const out: string[] = [];
  for (const it of input.items) {
    for (const k of Object.keys(it.meta)) {
      if (!seen.has(k)) {
        seen.add(k);
        out.push(k);
      }
    }
  }
  return out;
}

/** Unique column-safe names for the ensemble members. */
function memberNames(runs: LoadedRun[]): string[] {
  const base = runs.map((r) => r.name.replace(/[^A-Za-z0-9._-]+/g, '-'));
  return base.map((n, m) => (base.filter((b) => b === n).length > 1 ? `${n}-${m + 1}` : n));
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
  const format = catalogFormat(opts.out);
  ensureWritableFile(opts.out);
  const runs = opts.runs.map((r) => loadRun(r, { checkpoint: opts.checkpoint }));
  const bands = runs[0].bands;
  const input = opts.tiles
    ? await openTileInput(
        { pattern: opts.tiles.pattern, catalog: opts.input, bands: opts.tiles.bands },
        { bands, height: runs[0].imageSize, width: runs[0].imageSize },
      )
    : await openPredictInput(opts.input, { bands, format: opts.format, dataRoot: opts.dataRoot });
  const rejected = [...input.rejected];
  for (const r of rejected) opts.onReject?.(r);
  const n = input.items.length;
  const batchSize = opts.batchSize ?? runs[0].config.eval_batch_size;
  // Whole batches per part: no batch spans two parts, so a resumed run scores the batches an uninterrupted one does.
  const partSize = Math.ceil((opts.partSize ?? DEFAULT_PART_SIZE) / batchSize) * batchSize;
  const store = PartStore.open(
    `${path.resolve(opts.out)}.parts`,
    {
      fingerprint: planFingerprint(runs, input, opts, batchSize),
      n,
      partSize,
      parts: Math.ceil(n / partSize),
    },
    { keepForeign: opts.shard !== undefined, onNote: opts.onNote },
  );
  const score = new Float64Array(n).fill(NaN);
  const logit = new Float64Array(n);
  const members = runs.length > 1 ? runs.map(() => new Float32Array(n)) : [];
  // Per part, in part order, so rejected.csv lists them as an uninterrupted run does.
  const partRejected: SkippedItem[][] = [];
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
  const seconds = (performance.now() - t0) / 1000;
  const rejectedFile = path.join(path.dirname(path.resolve(opts.out)), 'rejected.csv');
  for (const r of partRejected) if (r) rejected.push(...r);
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
  const names = memberNames(runs);
  const columns = [
    'id',
    'path',
    'score',
    'rank',
    'logit',
    ...(members.length ? names.map((m) => `score_${m}`) : []),
  ];
  // The input's own columns (a survey catalogue's, with tile and edge) follow lensfind's.
  const extra = metaColumns(input, columns);
  columns.push(...extra);
  const metaOf = (i: number) => Object.fromEntries(extra.map((c) => [c, input.items[i].meta[c] ?? null]));
  // A shard writes its own Parquet file; the catalogue is left to `lensfind merge` (or a run without --shard).
  if (opts.shard) {
    const { index, count } = opts.shard;
    const rows: ShardRow[] = input.rejected.map((r) => ({
      index: -1,
      part: -1,
      id: '',
      path: r.source,
      score: null,
      logit: null,
      members: [],
      reason: r.reason,
    }));
    for (let p = index; p < store.plan.parts; p += count) {
      const [start, end] = store.range(p);
      const refused = partRejected[p] ?? [];
      let j = 0;
      for (let i = start; i < end; i++) {
        const item = input.items[i];
        if (Number.isNaN(score[i])) {
          const r = refused[j++];
          if (!r)
            throw new LensfindError(
              'E_PARTS',
              `${store.dir}: part ${p} accounts for fewer items than it holds`,
            );
          rows.push({
            index: i,
            part: p,
            id: item.id,
            path: r.source,
            score: null,
            logit: null,
            members: [],
            reason: r.reason,
            extra: metaOf(i),
          });
        } else {
          rows.push({
            index: i,
            part: p,
            id: item.id,
            path: describe(item.source),
            score: score[i],
            logit: logit[i],
            members: members.map((m) => m[i]),
            reason: null,
            extra: metaOf(i),
          });
        }
      }
    }
    const shardFile = path.join(store.dir, shardFileName(index, count));
    writeShardTable(shardFile, {
      fingerprint: store.plan.fingerprint,
      n,
      shard: { index, count },
      columns,
      rows,
    });
    return { ...result, shardFile };
  }
  const order = Array.from({ length: n }, (_, i) => i)
    .filter((i) => !Number.isNaN(score[i]))
    .sort((a, b) => score[b] - score[a] || a - b);
  if (order.length === 0) {
    throw new LensfindError(
      'E_DATA',
      `${input.root}: none of the ${n} images could be scored (first: ${rejected[0]?.reason ?? '-'})`,
    );
  }
  const write = format === 'parquet' ? writeParquetCatalog : writeCsvStreamed;
  write(opts.out, columns, order.length, (k) => {
    const i = order[k];
    const row: CsvRow = {
      id: input.items[i].id,
      path: describe(input.items[i].source),
      score: score[i],
      rank: k + 1,
      logit: logit[i],
    };
    members.forEach((m, j) => (row[`score_${names[j]}`] = m[i]));
    for (const c of extra) row[c] = input.items[i].meta[c] ?? '';
    return row;
  });
  writeCsv(rejectedFile, rejected as unknown as CsvRow[], ['source', 'reason']);
  store.clear();
  return {
    ...result,
    scoredTotal: order.length,
    top: order.slice(0, 10).map((i, k) => ({ id: input.items[i].id, score: score[i], rank: k + 1 })),
  };
}

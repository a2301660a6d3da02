import path from 'node:path';
import { ConfigError, LensfindError } from '../errors.js';
import type { DataFormat, SkippedItem } from '../data/types.js';
import { describe } from '../data/source.js';
import { writeCsv, type CsvRow } from '../io/csv.js';
import type { CombineMethod } from '../eval/ensemble.js';
import { scoreBatches } from '../eval/report-score.js';
import { loadRun, type LoadedRun } from '../train/load-run.js';
import { catalogFormat, writeCsvStreamed, writeParquetCatalog } from './catalog.js';
import { openPredictInput } from './input.js';

export interface PredictOptions {
  /** One run, or several for an ensemble. */
  runs: string[];
  input: string;
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
  onBatch?: (done: number, total: number) => void;
  onReject?: (s: SkippedItem) => void;
}

export interface PredictResult {
  catalog: string;
  rejectedFile: string;
  scored: number;
  rejected: SkippedItem[];
  seconds: number;
  imagesPerSecond: number;
  /** The highest-scored rows (up to 10), for the console. */
  top: { id: string; score: number; rank: number }[];
}

/** Unique column-safe names for the ensemble members. */
function memberNames(runs: LoadedRun[]): string[] {
  const base = runs.map((r) => r.name.replace(/[^A-Za-z0-9._-]+/g, '-'));
  return base.map((n, m) => (base.filter((b) => b === n).length > 1 ? `${n}-${m + 1}` : n));
}

/**
 * `lensfind predict`: scores unlabeled cutouts with one run or an ensemble in streamed batches (only the
 * prefetched batches' pixels are held; per item a score is kept for the sort), writes the catalogue sorted by
 * score (id, path, score, rank, logit, and score_<run> per ensemble member) and rejected.csv (source, reason)
 * listing every file that could not be read; a bad file never stops the run.
 */
export async function predict(opts: PredictOptions): Promise<PredictResult> {
  if (opts.runs.length === 0) throw new ConfigError('predict: give --run RUN or --runs R1 R2 ...', 'run');
  const format = catalogFormat(opts.out);
  const runs = opts.runs.map((r) => loadRun(r, { checkpoint: opts.checkpoint }));
  const bands = runs[0].bands;
  const input = await openPredictInput(opts.input, { bands, format: opts.format });
  const rejected = [...input.rejected];
  for (const r of rejected) opts.onReject?.(r);
  const n = input.items.length;
  const indices = Array.from({ length: n }, (_, i) => i);
  const score = new Float64Array(n).fill(NaN);
  const logit = new Float64Array(n);
  const members = runs.length > 1 ? runs.map(() => new Float32Array(n)) : [];
  const t0 = performance.now();
  let scored = 0;
  opts.onBatch?.(0, n);
  for await (const b of scoreBatches(runs, input, indices, {
    batchSize: opts.batchSize ?? runs[0].config.eval_batch_size,
    tta: opts.tta,
    method: opts.method,
    weights: opts.weights,
    workers: opts.workers ?? 1,
    onSkip: (s) => {
      rejected.push(s);
      opts.onReject?.(s);
    },
  })) {
    b.indices.forEach((i, k) => {
      score[i] = b.score[k];
      logit[i] = b.logit[k];
      members.forEach((m, j) => (m[i] = b.probs[j][k]));
    });
    scored += b.indices.length;
    opts.onBatch?.(scored + rejected.length - input.rejected.length, n);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (scored === 0) {
    throw new LensfindError(
      'E_DATA',
      `${input.root}: none of the ${n} images could be scored (first: ${rejected[0]?.reason ?? '-'})`,
    );
  }
  const order = indices.filter((i) => !Number.isNaN(score[i])).sort((a, b) => score[b] - score[a] || a - b);
  const names = memberNames(runs);
  const columns = [
    'id',
    'path',
    'score',
    'rank',
    'logit',
    ...(members.length ? names.map((m) => `score_${m}`) : []),
  ];
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
    return row;
  });
  const rejectedFile = path.join(path.dirname(path.resolve(opts.out)), 'rejected.csv');
  writeCsv(rejectedFile, rejected as unknown as CsvRow[], ['source', 'reason']);
  return {
    catalog: opts.out,
    rejectedFile,
    scored,
    rejected,
    seconds,
    imagesPerSecond: scored / seconds,
    top: order.slice(0, 10).map((i, k) => ({ id: input.items[i].id, score: score[i], rank: k + 1 })),
  };
}

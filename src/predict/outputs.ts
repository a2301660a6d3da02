import path from 'node:path';
import { LensfindError } from '../errors.js';
import { describe } from '../data/source.js';
import type { SkippedItem } from '../data/types.js';
import type { CsvRow } from '../io/csv.js';
import type { LoadedRun } from '../infer/load-run.js';
import type { PredictInput } from './input.js';
import type { PartStore } from './parts.js';
import { writeCsvStreamed, writeParquetCatalog } from './catalog.js';
import { writeShardTable, type ShardRow } from './merge.js';
import { shardFileName } from './shard.js';

/** What a predict call knows per input item (score NaN: not scored), and per part the items it refused. */
export interface PredictScores {
  score: Float64Array;
  logit: Float64Array;
  /** Per ensemble member its calibrated probability (empty for one model). */
  members: Float32Array[];
  partRejected: SkippedItem[][];
}

/** The catalogue's columns: lensfind's, a score per ensemble member, then the input's own (`extra`). */
export interface CatalogColumns {
  columns: string[];
  extra: string[];
  names: string[];
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

export function catalogColumns(runs: LoadedRun[], input: PredictInput, ensemble: boolean): CatalogColumns {
  const names = memberNames(runs);
  const columns = [
    'id',
    'path',
    'score',
    'rank',
    'logit',
    ...(ensemble ? names.map((m) => `score_${m}`) : []),
  ];
  // The input's own columns (a survey catalogue's, with tile and edge) follow lensfind's.
  const extra = metaColumns(input, columns);
  columns.push(...extra);
  return { columns, extra, names };
}

/** A shard's rows (its parts' items, scored or refused, and the input's rejected files) as one Parquet file. */
export function writeShard(
  store: PartStore,
  input: PredictInput,
  shard: { index: number; count: number },
  scores: PredictScores,
  cols: CatalogColumns,
): string {
  const { score, logit, members, partRejected } = scores;
  const { index, count } = shard;
  const metaOf = (i: number) =>
    Object.fromEntries(cols.extra.map((c) => [c, input.items[i].meta[c] ?? null]));
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
    n: input.items.length,
    shard: { index, count },
    columns: cols.columns,
    rows,
  });
  return shardFile;
}

/**
 * The catalogue sorted by score (ties by input order) as CSV or Parquet; returns the sort order (item indices).
 * Fails when no item could be scored.
 */
export function writeSortedCatalog(
  out: string,
  format: 'csv' | 'parquet',
  input: PredictInput,
  scores: PredictScores,
  cols: CatalogColumns,
  firstReason: string,
): number[] {
  const { score, logit, members } = scores;
  const n = input.items.length;
  const order = Array.from({ length: n }, (_, i) => i)
    .filter((i) => !Number.isNaN(score[i]))
    .sort((a, b) => score[b] - score[a] || a - b);
  if (order.length === 0) {
    throw new LensfindError(
      'E_DATA',
      `${input.root}: none of the ${n} images could be scored (first: ${firstReason})`,
    );
  }
  const write = format === 'parquet' ? writeParquetCatalog : writeCsvStreamed;
  write(out, cols.columns, order.length, (k) => {
    const i = order[k];
    const row: CsvRow = {
      id: input.items[i].id,
      path: describe(input.items[i].source),
      score: score[i],
      rank: k + 1,
      logit: logit[i],
    };
    members.forEach((m, j) => (row[`score_${cols.names[j]}`] = m[i]));
    for (const c of cols.extra) row[c] = input.items[i].meta[c] ?? '';
    return row;
  });
  return order;
}

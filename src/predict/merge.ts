import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { LensfindError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { ensureWritableFile } from '../io/output-dir.js';
import { writeCsv, type CsvRow } from '../io/csv.js';
import type { SkippedItem } from '../data/types.js';
import { catalogFormat, writeCsvStreamed, writeParquetCatalog } from './catalog.js';
import type { PartPlan } from './parts.js';
import { SHARD_FILE, shardFileName } from './shard.js';

/**
 * One shard's result as a Parquet file in the parts folder, written atomically once all of its parts are scored:
 * one row per item of its parts, `index` (in the input listing), `part`, `id`, `path`, `score`, `logit`, the
 * ensemble members' `score_<run>`, and `reason` for an item that could not be read (score null). Rows with
 * `part` -1 are files refused before scoring started (the same for every shard). The key-value metadata carries
 * the plan's fingerprint, the number of items and the catalogue's columns, so `lensfind merge` needs neither the
 * models nor the input.
 */
export interface ShardTable {
  fingerprint: string;
  n: number;
  shard: { index: number; count: number };
  /** The catalogue's columns: id, path, score, rank, logit, score_<run>... */
  columns: string[];
  rows: ShardRow[];
}

export interface ShardRow {
  index: number;
  part: number;
  id: string;
  path: string;
  score: number | null;
  logit: number | null;
  members: number[];
  reason: string | null;
  /** The input's own columns (a survey catalogue's), by name: the catalogue's columns after lensfind's. */
  extra?: Record<string, string | number | null>;
}

const OWN = new Set(['id', 'path', 'score', 'rank', 'logit']);
/** The catalogue's columns that come from the input, not from lensfind. */
const extraColumns = (columns: readonly string[]) =>
  columns.filter((c) => !OWN.has(c) && !c.startsWith('score_'));

const KEY = 'lensfind.shard';

export function writeShardTable(file: string, t: ShardTable): void {
  const memberCols = t.columns.filter((c) => c.startsWith('score_'));
  const col = <T>(name: string, type: string, get: (r: ShardRow) => T) =>
    ({ name, type, data: t.rows.map(get) }) as ColumnSource;
  const columnData = [
    col('index', 'INT32', (r) => r.index),
    col('part', 'INT32', (r) => r.part),
    col('id', 'STRING', (r) => r.id),
    col('path', 'STRING', (r) => r.path),
    col('score', 'DOUBLE', (r) => r.score),
    col('logit', 'DOUBLE', (r) => r.logit),
    ...memberCols.map((c, j) => col(c, 'DOUBLE', (r) => (r.score === null ? null : r.members[j]))),
    col('reason', 'STRING', (r) => r.reason),
    ...extraColumns(t.columns).map((c) => {
      const values = t.rows.map((r) => r.extra?.[c] ?? null);
      const numeric = values.every((v) => v === null || typeof v === 'number');
      return {
        name: `x.${c}`,
        type: numeric ? 'DOUBLE' : 'STRING',
        data: numeric ? values : values.map((v) => (v === null ? null : String(v))),
      } as ColumnSource;
    }),
  ];
  const meta = { fingerprint: t.fingerprint, n: t.n, shard: t.shard, columns: t.columns };
  const bytes = parquetWriteBuffer({ columnData, kvMetadata: [{ key: KEY, value: JSON.stringify(meta) }] });
  writeFileAtomic(file, new Uint8Array(bytes));
}

export async function readShardTable(file: string): Promise<ShardTable> {
  const buffer = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buffer);
  const kv = metadata.key_value_metadata?.find((k) => k.key === KEY)?.value;
  if (!kv) throw new LensfindError('E_PARTS', `${file}: not a lensfind shard file (no '${KEY}' metadata)`);
  const meta = JSON.parse(kv) as Omit<ShardTable, 'rows'>;
  const memberCols = meta.columns.filter((c) => c.startsWith('score_'));
  const objects = (await parquetReadObjects({ file: buffer, metadata })) as Record<string, unknown>[];
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const rows = objects.map((o): ShardRow => ({
    index: Number(o.index),
    part: Number(o.part),
    id: String(o.id ?? ''),
    path: String(o.path ?? ''),
    score: num(o.score),
    logit: num(o.logit),
    members: memberCols.map((c) => Number(o[c])),
    reason: o.reason === null || o.reason === undefined ? null : String(o.reason),
    extra: Object.fromEntries(
      extraColumns(meta.columns).map((c) => [c, (o[`x.${c}`] as string | number | null) ?? null]),
    ),
  }));
  return { ...meta, rows };
}

export interface MergeOptions {
  /** The catalogue to write (.csv or .parquet); rejected.csv is written beside it. */
  out: string;
  /** The parts folder the shards wrote (default `<out>.parts`, where `predict --out <out> --shard i/N` writes). */
  parts?: string;
}

export interface MergeResult {
  catalog: string;
  rejectedFile: string;
  shards: number;
  /** Items in the catalogue. */
  scored: number;
  rejected: SkippedItem[];
  top: { id: string; score: number; rank: number }[];
}

/** Shards not (yet) written: `missing` holds their 1-based numbers, as `--shard i/N` names them. */
export class MissingShardsError extends LensfindError {
  constructor(
    message: string,
    readonly missing: number[],
    readonly count: number,
  ) {
    super('E_MISSING_SHARDS', message);
    this.name = 'MissingShardsError';
  }
}

/**
 * `lensfind merge`: combines the shard files of a sharded predict into one catalogue ranked by score (the same
 * rows, order and columns as an unsharded predict of the same input writes) and rejected.csv. Refuses (and names
 * them) when shards are missing, when files of different plans or shard counts are mixed, or when any cutout of
 * the input is not accounted for exactly once (scored or rejected).
 */
export async function mergeShards(opts: MergeOptions): Promise<MergeResult> {
  const format = catalogFormat(opts.out);
  const dir = path.resolve(opts.parts ?? `${path.resolve(opts.out)}.parts`);
  if (!existsSync(dir)) {
    throw new LensfindError(
      'E_PARTS',
      `${dir}: no such parts folder (give --parts DIR: <out>.parts of the shards' predict)`,
    );
  }
  ensureWritableFile(opts.out);
  const count = shardCount(dir);
  const tables = await readShardTables(dir, count);
  const first = tables[0];
  const { scored, refused } = itemRows(tables, dir);
  scored.sort((a, b) => b.score! - a.score! || a.index - b.index);
  const members = first.columns.filter((c) => c.startsWith('score_'));
  const write = format === 'parquet' ? writeParquetCatalog : writeCsvStreamed;
  write(opts.out, first.columns, scored.length, (k) => {
    const r = scored[k];
    const row: CsvRow = { id: r.id, path: r.path, score: r.score!, rank: k + 1, logit: r.logit! };
    members.forEach((c, j) => (row[c] = r.members[j]));
    for (const c of extraColumns(first.columns)) row[c] = r.extra?.[c] ?? '';
    return row;
  });
  // rejected.csv as an unsharded predict writes it: files refused before scoring, then per part in index order.
  const pre = refused.filter((r) => r.part < 0);
  const inParts = refused.filter((r) => r.part >= 0).sort((a, b) => a.part - b.part || a.index - b.index);
  const rejected = [...pre, ...inParts].map((r) => ({ source: r.path, reason: r.reason ?? '' }));
  const rejectedFile = path.join(path.dirname(path.resolve(opts.out)), 'rejected.csv');
  writeCsv(rejectedFile, rejected as unknown as CsvRow[], ['source', 'reason']);
  return {
    catalog: opts.out,
    rejectedFile,
    shards: count,
    scored: scored.length,
    rejected,
    top: scored.slice(0, 10).map((r, k) => ({ id: r.id, score: r.score!, rank: k + 1 })),
  };
}

/** The number of shards of the parts folder's shard files; refuses mixed counts and missing shards. */
function shardCount(dir: string): number {
  const files = readdirSync(dir)
    .filter((f) => SHARD_FILE.test(f))
    .sort();
  if (files.length === 0) {
    throw new LensfindError(
      'E_MISSING_SHARDS',
      `${dir}: no shard files (shard-XXXX-of-NNNN.parquet) yet: run the shards first`,
    );
  }
  const counts = new Set(files.map((f) => Number(SHARD_FILE.exec(f)![2])));
  if (counts.size > 1) {
    throw new LensfindError(
      'E_PARTS',
      `${dir}: shard files of different shard counts (${[...counts].join(', ')}); keep one run's files`,
    );
  }
  const count = [...counts][0];
  const present = new Set(files.map((f) => Number(SHARD_FILE.exec(f)![1])));
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !present.has(i));
  if (missing.length > 0) {
    throw new MissingShardsError(
      `${dir}: ${missing.length} of ${count} shards missing: ${missing.map((i) => `${i}/${count}`).join(', ')} ` +
        `(run lensfind predict with the same arguments and --shard i/${count} for each, then merge again)`,
      missing,
      count,
    );
  }
  return count;
}

/** The shards' tables, in shard order, checked to come from one plan (plan.json's, when readable). */
async function readShardTables(dir: string, count: number): Promise<ShardTable[]> {
  let plan: Partial<PartPlan> = {};
  try {
    plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as PartPlan;
  } catch {
    // checked against the shards below
  }
  const tables: ShardTable[] = [];
  for (let i = 0; i < count; i++) tables.push(await readShardTable(path.join(dir, shardFileName(i, count))));
  const first = tables[0];
  tables.forEach((t, i) => {
    const where = path.join(dir, shardFileName(i, count));
    if (t.fingerprint !== first.fingerprint || (plan.fingerprint && t.fingerprint !== plan.fingerprint)) {
      throw new LensfindError(
        'E_PARTS',
        `${where}: written by a predict with other arguments, models or input than ${shardFileName(0, count)}` +
          (plan.fingerprint ? ' and plan.json' : ''),
      );
    }
    if (t.shard.index !== i || t.shard.count !== count) {
      throw new LensfindError(
        'E_PARTS',
        `${where}: holds shard ${t.shard.index + 1}/${t.shard.count}, not ${i + 1}/${count}`,
      );
    }
  });
  return tables;
}

/** The rows scored and refused, checking that every item of the input is in exactly one shard. */
function itemRows(tables: readonly ShardTable[], dir: string): { scored: ShardRow[]; refused: ShardRow[] } {
  const count = tables.length;
  const n = tables[0].n;
  const owner = new Int32Array(n).fill(-1);
  const scored: ShardRow[] = [];
  const refused: ShardRow[] = [];
  tables.forEach((t, s) => {
    for (const r of t.rows) {
      if (r.part < 0) {
        if (s === 0) refused.push(r);
        continue;
      }
      if (!Number.isInteger(r.index) || r.index < 0 || r.index >= n) {
        throw new LensfindError(
          'E_PARTS',
          `${shardFileName(s, count)}: item index ${r.index} outside 0..${n - 1}`,
        );
      }
      if (owner[r.index] >= 0) {
        throw new LensfindError(
          'E_PARTS',
          `item ${r.index} (${r.id || r.path}) appears in ${shardFileName(owner[r.index], count)} and ` +
            `${shardFileName(s, count)}: shards overlap`,
        );
      }
      owner[r.index] = s;
      (r.reason === null ? scored : refused).push(r);
    }
  });
  const absent = owner.findIndex((o) => o < 0);
  if (absent >= 0) {
    const k = owner.filter((o) => o < 0).length;
    throw new LensfindError(
      'E_PARTS',
      `${dir}: ${k} of ${n} items are in no shard file (first: item ${absent})`,
    );
  }
  if (scored.length === 0)
    throw new LensfindError('E_DATA', `${dir}: none of the ${n} items could be scored`);
  return { scored, refused };
}

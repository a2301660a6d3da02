import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ConfigError } from '../../errors.js';
import { writeCsv } from '../../io/csv.js';
import { readNpy } from '../../io/npy.js';
import { readFitsImage } from '../../io/fits-image.js';
import { isPlainObject, saveConfig } from '../../config/load.js';
import { claimOutputDir } from '../../io/output-dir.js';
import { Progress } from '../../log/progress.js';
import { splitCounts, type SimulateConfig } from '../config.js';
import { planItems, planShards, shardName, type PlanItem, type PlanShard } from './plan.js';
import { createItemRenderer } from './render-item.js';
import {
  shardProblem,
  manifestColumns,
  readShardRows,
  renderAndWriteShard,
  shardDataFiles,
  sidecarFile,
  type ManifestRow,
} from './layout.js';
import { runShardsInWorkers } from './pool.js';
import { writePreview } from './preview.js';

export interface SimulateOptions {
  /** The dataset folder. */
  out: string;
  /** Print what would be written and write nothing. */
  dryRun?: boolean;
  /** Progress bar and summary lines go here (default: stderr); `quiet` silences them. */
  stream?: { write(s: string): boolean; isTTY?: boolean };
  quiet?: boolean;
}

export interface SimulateSummary {
  out: string;
  n: number;
  splits: { train: number; val: number; test: number };
  lenses: { train: number; val: number; test: number };
  bands: string[];
  shards: number;
  /** Shards rendered by this call (the others were already complete). */
  rendered: number;
  skipped: number;
  /** Cutouts rendered by this call and their rate. */
  images: number;
  seconds: number;
  imagesPerSecond: number;
  /** Files this call writes (or would write, with dryRun), relative to `out`. */
  files: string[];
  dryRun: boolean;
}

/** Options that do not change any written byte, so a dataset may be resumed with other values. */
function comparable(cfg: SimulateConfig): unknown {
  // `dataset` is derived from the rest (the survey, the bands), so it is not compared.
  const { workers: _w, dataset: _d, output, ...rest } = cfg;
  const { previews: _p, ...out } = output;
  return JSON.parse(JSON.stringify({ ...rest, output: out }));
}

function firstDifference(a: unknown, b: unknown, prefix = ''): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (typeof a === 'object' && a && typeof b === 'object' && b && !Array.isArray(a) && !Array.isArray(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
      const d = firstDifference(ao[k], bo[k], prefix ? `${prefix}.${k}` : k);
      if (d) return d;
    }
    return undefined; // the same keys and values, in another order
  }
  return prefix || '(top level)';
}

/**
 * Refuses to mix two configurations in one folder: resuming is only safe with the same bytes-defining config.
 * `bytesDefining` keeps what changes written bytes; `made` says how the folder's data was made ("simulated").
 */
export function checkExistingConfig<T>(
  out: string,
  cfg: T,
  bytesDefining: (c: T) => unknown,
  made = 'simulated',
): void {
  const file = path.join(out, 'config.yaml');
  if (!existsSync(file)) return;
  let before: unknown;
  try {
    before = YAML.parse(readFileSync(file, 'utf8'));
  } catch {
    before = null;
  }
  // Another command's config.yaml (an evaluation written here by an earlier version): not this dataset's.
  if (!isPlainObject(before) || !isPlainObject(before.output)) {
    throw new ConfigError(
      `${file} is not the configuration of a ${made} dataset; use another --out, or delete the folder to start again`,
      undefined,
      file,
    );
  }
  const field = firstDifference(bytesDefining(before as T), bytesDefining(cfg));
  if (field) {
    throw new ConfigError(
      `${out} holds a dataset ${made} with another configuration (${field} differs from ${file}); ` +
        `use another --out, or delete the folder to start again`,
      field,
      file,
    );
  }
}

function lensCounts(items: readonly PlanItem[]): SimulateSummary['lenses'] {
  const c = { train: 0, val: 0, test: 0 };
  for (const it of items) c[it.split] += it.label;
  return c;
}

/** Removes temporary files a killed run left behind (atomic writes that never reached their rename). */
export function removeStaleTemporaries(out: string): void {
  if (!existsSync(out)) return;
  const stale = /^\..+\.\d+\.\d+\.tmp$/;
  for (const entry of readdirSync(out, { withFileTypes: true })) {
    const dir = entry.isDirectory() ? path.join(out, entry.name) : undefined;
    if (!entry.isDirectory() && stale.test(entry.name)) rmSync(path.join(out, entry.name), { force: true });
    if (!dir) continue;
    for (const f of readdirSync(dir)) if (stale.test(f)) rmSync(path.join(dir, f), { force: true });
  }
}

/** An image file read back: its data and shape. */
type Read = { data: Float32Array; shape: readonly number[] };

/** Reads one cutout back from a written dataset (for previews); `files` keeps the files read (a shard once). */
function readItemImage(out: string, row: ManifestRow, files: Map<string, Read>): Float32Array {
  const [file, at] = String(row.path).split('#');
  const full = path.join(out, file);
  let arr = files.get(full);
  if (!arr) {
    const read = file.endsWith('.fits') ? readFitsImage(full) : readNpy(full);
    arr = { data: read.data as Float32Array, shape: read.shape }; // the writer's float32 cutouts
    files.set(full, arr);
  }
  const data = arr.data;
  if (at === undefined) return data;
  const per = arr.shape.slice(1).reduce((a, b) => a * b, 1);
  return data.subarray(Number(at) * per, (Number(at) + 1) * per);
}

/**
 * Simulates a dataset folder: shards of cutouts (or the DeepLense layout), `manifest.csv`, `config.yaml`,
 * `previews/`. Image i depends only on (config, i), so the bytes are the same for any number of workers, and a
 * re-run renders only the shards that are missing.
 */
export async function simulateDataset(cfg: SimulateConfig, opts: SimulateOptions): Promise<SimulateSummary> {
  const out = opts.out;
  const stream = opts.stream ?? process.stderr;
  const say = (s: string) => {
    if (!opts.quiet) stream.write(`${s}\n`);
  };
  // Before any work: the folder must be new, empty or a dataset (never a run, an evaluation or someone's files).
  claimOutputDir(out, 'dataset', { check: opts.dryRun });
  const items = planItems(cfg);
  const shards = planShards(items, cfg.output.shard_size);
  const counts = splitCounts(cfg);
  const lenses = lensCounts(items);
  const todo: PlanShard[] = shards.filter((s) => {
    const problem = shardProblem(out, cfg.output, s);
    if (problem && problem !== 'missing') say(`${shardName(s.shard)}: ${problem}: rendering it again`);
    return problem !== null;
  });
  checkExistingConfig(out, cfg, comparable);
  // Loading the renderer here checks the survey and the scene before any worker starts.
  const renderer = await createItemRenderer(cfg);
  const previewCount = Math.min(cfg.output.previews, items.length);
  const previewFiles = items.slice(0, previewCount).map((it) => `previews/${it.id}.png`);
  const files = [
    'config.yaml',
    ...todo.flatMap((s) => [...shardDataFiles(cfg.output, s), sidecarFile(s.shard)]),
    'manifest.csv',
    ...previewFiles.filter((f) => !existsSync(path.join(out, f))),
  ];
  const summary: SimulateSummary = {
    out,
    n: items.length,
    splits: counts,
    lenses,
    bands: renderer.bands,
    shards: shards.length,
    rendered: todo.length,
    skipped: shards.length - todo.length,
    images: todo.reduce((a, s) => a + s.items.length, 0),
    seconds: 0,
    imagesPerSecond: 0,
    files,
    dryRun: Boolean(opts.dryRun),
  };
  const size = cfg.image_size;
  const header =
    `${items.length} cutouts [${renderer.bands.length}, ${size}, ${size}] (${cfg.backend}, bands ${renderer.bands.join(' ')}) ` +
    `train ${counts.train} (${lenses.train} lenses), val ${counts.val} (${lenses.val}), test ${counts.test} (${lenses.test}); ` +
    `${shards.length} shards, ${summary.skipped} already complete`;
  if (opts.dryRun) {
    const bytes = summary.images * renderer.bands.length * size * size * 4;
    say(`dry run: would write into ${out}: ${header}`);
    say(
      `  ${files.length} files, about ${(bytes / 1e6).toFixed(1)} MB of cutouts (${cfg.output.layout} layout, ${cfg.output.format})`,
    );
    for (const f of files.slice(0, 8)) say(`  ${f}`);
    if (files.length > 8) say(`  ... and ${files.length - 8} more`);
    return summary;
  }
  say(`simulate into ${out}: ${header}`);
  removeStaleTemporaries(out);
  // `workers` is left out: it changes no byte, so the folder is the same whatever it was.
  const { workers: _workers, dataset: _dataset, ...rest } = cfg;
  // What the pixels mean, so the folder describes itself without the repository's configs/surveys.
  const recorded = { ...rest, dataset: renderer.description };
  saveConfig(
    path.join(out, 'config.yaml'),
    recorded,
    'lensfind simulate: resolved configuration (any number of workers gives these bytes)',
  );

  const progress = new Progress({
    label: 'simulate',
    total: summary.images,
    unit: 'img',
    stream,
    quiet: opts.quiet,
  });
  const start = performance.now();
  // One worker would only add its start-up time to what the main thread does alone (the bytes are the same).
  const workers = Math.min(cfg.workers, todo.length);
  if (workers <= 1) {
    for (const shard of todo) renderAndWriteShard(renderer, cfg, out, shard, () => progress.tick());
  } else {
    await runShardsInWorkers(cfg, out, todo, workers, (n) => progress.tick(n));
  }
  summary.seconds = (performance.now() - start) / 1000;
  summary.imagesPerSecond = summary.seconds > 0 ? summary.images / summary.seconds : 0;
  // On a terminal the bar needs its closing newline; in logs the last update already printed the final line.
  if (summary.images > 0 && stream.isTTY && !process.env.CI) progress.finish();

  const rows = shards.flatMap((s) => readShardRows(out, s.shard));
  writeCsv(path.join(out, 'manifest.csv'), rows, manifestColumns(rows));
  const read = new Map<string, Read>();
  for (let i = 0; i < previewCount; i++) {
    const file = path.join(out, previewFiles[i]);
    if (!existsSync(file))
      await writePreview(file, readItemImage(out, rows[i], read), renderer.bands.length, size);
  }
  say(
    `wrote ${summary.images} cutouts in ${summary.seconds.toFixed(1)} s (${summary.imagesPerSecond.toFixed(1)} images/s); manifest ${path.join(out, 'manifest.csv')}`,
  );
  return summary;
}

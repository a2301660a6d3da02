/**
 * `lensfind inject`: a training set from the user's own cutouts. Lenses are painted onto a seeded choice of them
 * (inject.ts); the others, and every cutout of `contaminants`, are the non-lenses. The result is an ordinary
 * lensfind dataset written with the simulator's writer (src/sim/dataset): `images/` shards, `manifest.csv`,
 * `config.yaml`, `previews/` (of injected cutouts), plus `skipped.csv` listing unusable input files.
 * Run again into the same folder with the same configuration and cutouts, it writes only the shards that are
 * missing or damaged (a killed run resumes); each item depends only on (seed, its place in the listing).
 */
import path from 'node:path';
import { ConfigError, DataError } from '../errors.js';
import { saveConfig } from '../config/load.js';
import { writeCsv } from '../io/csv.js';
import { claimOutputDir } from '../io/output-dir.js';
import { Progress } from '../log/progress.js';
import { detectFormat } from '../data/detect.js';
import { readItems } from '../data/open.js';
import { checkImage, describe, readSource } from '../data/source.js';
import type { DatasetItem, SkippedItem, Split } from '../data/types.js';
import { splitCounts } from '../sim/config.js';
import { manifestColumns, readShardRows, shardProblem, type ManifestRow } from '../sim/dataset/layout.js';
import { removeStaleTemporaries } from '../sim/dataset/writer.js';
import { checkResumable, planFingerprint, recordPlan } from './resume.js';
import { itemId, planShards, type PlanItem } from '../sim/dataset/plan.js';
import { writePreview } from '../sim/dataset/preview.js';
import { Rng } from '../sim/rng.js';
import { catalogThetaE, readDeflectorCatalog } from './catalog.js';
import type { InjectConfig } from './config.js';
import { Injector, type CutoutMeasure } from './inject.js';
import { InjectRunner } from './runner.js';
import type { ShardJob } from './work.js';

export interface InjectOptions {
  /** The dataset folder to write (absent, empty, or an earlier inject of the same configuration to finish). */
  out: string;
  /** Progress and summary lines (default stderr); `quiet` silences them. */
  stream?: { write(s: string): boolean; isTTY?: boolean };
  quiet?: boolean;
  /** Called for every input file that cannot be used (it is skipped). */
  onSkip?: (s: SkippedItem) => void;
}

type Counts = { train: number; val: number; test: number };

export interface InjectSummary {
  out: string;
  bands: string[];
  size: number;
  /** Cutouts listed in `cutouts` and in `contaminants`. */
  inputs: number;
  contaminants: number;
  skipped: SkippedItem[];
  /** Items written, per split, and lenses among them. */
  items: Counts;
  lenses: Counts;
  injected: number;
  /** Shards written by this call, and shards an earlier call had completed (kept). */
  shardsWritten: number;
  shardsKept: number;
  /** Usable cutouts (label 0) where no deflector was found near the centre: kept as non-lenses. */
  noDeflector: number;
  /** Injections whose θ_E came from the catalogue. */
  fromCatalog: number;
  seconds: number;
  /** Cutouts written per second (measuring, injecting, writing), and lenses injected per second of that. */
  itemsPerSecond: number;
  injectionsPerSecond: number;
}

/** Sub-streams of the plan (items' own streams are Rng.forItem(seed, index, ...), inject.ts). */
const CHOICE_STREAM = 0x63686f;
const SPLIT_STREAM = 0x73706c;

interface Entry {
  item: DatasetItem;
  role: 'cutout' | 'contaminant';
}

/** The items a folder lists; the entries its reader refuses (paths outside the folder, ...) go to `skip`. */
function listItems(
  root: string,
  format: InjectConfig['format'],
  skip: (s: SkippedItem) => void,
  labels?: string,
): DatasetItem[] {
  const r = readItems(root, format ?? detectFormat(root), { labels });
  r.skipped.forEach(skip);
  return r.items;
}

const SPLITS: readonly Split[] = ['train', 'val', 'test'];

/** Splits of entries without one: a seeded shuffle cut by the configured fractions (largest remainder). */
function assignSplits(entries: readonly Entry[], usable: readonly number[], cfg: InjectConfig): Split[] {
  const split: Split[] = [];
  (['cutout', 'contaminant'] as const).forEach((role, r) => {
    const free = usable.filter((i) => entries[i].role === role && entries[i].item.split === undefined);
    const rng = Rng.forItem(cfg.seed, r, SPLIT_STREAM);
    for (let k = free.length - 1; k > 0; k--) {
      const j = rng.int(0, k + 1);
      [free[k], free[j]] = [free[j], free[k]];
    }
    const counts = splitCounts({ n: free.length, splits: cfg.splits });
    let k = 0;
    for (const s of SPLITS) for (let c = 0; c < counts[s]; c++) split[free[k++]] = s;
  });
  for (const i of usable) split[i] ??= entries[i].item.split!;
  return split;
}

/** The cutouts that get a lens: per split, the n_s candidates with the smallest per-item uniform deviate. */
function chooseInjected(
  candidates: readonly number[],
  split: readonly Split[],
  cfg: InjectConfig,
): Set<number> {
  const bySplit = new Map<Split, number[]>(SPLITS.map((s) => [s, []]));
  for (const i of candidates) bySplit.get(split[i])!.push(i);
  let want: Counts;
  if (cfg.n !== undefined) {
    if (cfg.n > candidates.length)
      throw new ConfigError(
        `n: ${cfg.n} injections asked for, but only ${candidates.length} cutouts have a deflector to inject into`,
        'n',
      );
    const total = Math.max(1, candidates.length);
    const fr = Object.fromEntries(SPLITS.map((s) => [s, bySplit.get(s)!.length / total])) as Counts;
    want = candidates.length > 0 ? splitCounts({ n: cfg.n, splits: fr }) : { train: 0, val: 0, test: 0 };
  } else {
    const f = cfg.fraction ?? 0.5;
    want = Object.fromEntries(SPLITS.map((s) => [s, Math.round(f * bySplit.get(s)!.length)])) as Counts;
  }
  const chosen = new Set<number>();
  for (const s of SPLITS) {
    const u = new Map(bySplit.get(s)!.map((i) => [i, Rng.forItem(cfg.seed, i, CHOICE_STREAM).next()]));
    const ranked = [...u.keys()].sort((a, b) => u.get(a)! - u.get(b)! || a - b);
    for (const i of ranked.slice(0, want[s])) chosen.add(i);
  }
  return chosen;
}

/** The configuration as it was used: paths absolute, the survey's values written out. */
function resolvedConfig(cfg: InjectConfig, inj: Injector): InjectConfig {
  const abs = (p?: string) => (p === undefined ? undefined : path.resolve(p));
  return {
    ...cfg,
    cutouts: abs(cfg.cutouts),
    contaminants: abs(cfg.contaminants),
    catalog: abs(cfg.catalog),
    labels: abs(cfg.labels),
    bands: inj.bands,
    pixel_scale: inj.pixelScale,
    zero_points: inj.zeroPoints,
    gain: inj.gains,
    psf: cfg.psf.files ? { files: cfg.psf.files.map((f) => path.resolve(f)) } : cfg.psf,
  };
}

export async function injectDataset(cfg: InjectConfig, opts: InjectOptions): Promise<InjectSummary> {
  const stream = opts.stream ?? process.stderr;
  const say = (s: string) => {
    if (!opts.quiet) stream.write(`${s}\n`);
  };
  if (!cfg.cutouts)
    throw new ConfigError('cutouts: give the cutouts to inject into (--cutouts DIR)', 'cutouts');
  const out = path.resolve(opts.out);
  // a new or empty folder, or a dataset (an earlier inject is finished below; anything else is refused there)
  claimOutputDir(out, 'dataset');
  const start = performance.now();
  const skipped: SkippedItem[] = [];
  const skip = (s: SkippedItem) => {
    skipped.push(s);
    opts.onSkip?.(s);
  };
  const entries: Entry[] = [
    ...listItems(path.resolve(cfg.cutouts), cfg.format, skip, cfg.labels).map((item) => ({
      item,
      role: 'cutout' as const,
    })),
    ...(cfg.contaminants ? listItems(path.resolve(cfg.contaminants), undefined, skip) : []).map((item) => ({
      item,
      role: 'contaminant' as const,
    })),
  ];
  const nCut = entries.filter((e) => e.role === 'cutout').length;
  const catalog = cfg.catalog ? readDeflectorCatalog(cfg.catalog) : undefined;

  // pass 1: every cutout is read and checked once, and measured. The first usable one fixes the size and bands
  // (and makes the injector) here; the others are measured by the runner (worker threads).
  const measures = new Map<number, CutoutMeasure>();
  let injector: Injector | undefined;
  let spec: { bands: number; height: number; width: number } | undefined;
  const measuring = new Progress({
    label: 'measure',
    total: entries.length,
    unit: 'img',
    stream,
    quiet: opts.quiet,
  });
  let first = 0;
  for (; first < entries.length && !injector; first++) {
    const src = entries[first].item.source;
    let img;
    try {
      img = await readSource(src);
      checkImage(img, src);
    } catch (err) {
      // any reading error is this file's problem (as openDataset treats it): reported, skipped
      skip({ source: describe(src), reason: (err as Error).message });
      measuring.tick();
      continue;
    }
    const [b, h, w] = img.shape;
    if (h !== w)
      throw new DataError(`${describe(src)}: cutouts must be square, this one is ${h}x${w}`, src.file);
    injector = new Injector(cfg, h);
    if (b !== injector.bands.length)
      throw new ConfigError(
        `bands: the cutouts have ${b} bands (${describe(src)}), the configuration names ${injector.bands.length} ` +
          `(${injector.bands.join(', ')}): give --bands`,
        'bands',
      );
    spec = { bands: b, height: h, width: w };
    measures.set(first, injector.measure(img.data));
    measuring.tick();
  }
  if (!injector || !spec) throw new DataError(`${cfg.cutouts}: no usable cutouts`, cfg.cutouts);
  const inj = injector;
  const size = spec.height;
  const runner = new InjectRunner(inj, cfg, out, Math.min(cfg.workers, entries.length - first));
  try {
    const rest = entries.slice(first).map((e, k) => ({ index: first + k, source: e.item.source }));
    for (const m of await runner.measure(spec, rest, () => measuring.tick())) {
      if ('measure' in m) measures.set(m.index, m.measure);
      else skip({ source: describe(entries[m.index].item.source), reason: m.skip });
    }
    const closeBar = (bar: Progress) => {
      // a terminal's bar needs its closing newline; in logs the last update already printed the final line
      if (stream.isTTY && !process.env.CI) bar.finish();
    };
    closeBar(measuring);

    // the plan: splits, the injected cutouts, one item per usable entry (index = its place in the listing)
    const usable = [...measures.keys()];
    const split = assignSplits(entries, usable, cfg);
    const isCandidate = (i: number) => entries[i].role === 'cutout' && entries[i].item.label === 0;
    const candidates = usable.filter((i) => isCandidate(i) && measures.get(i)!.deflector.found);
    const chosen = chooseInjected(candidates, split, cfg);
    const items: PlanItem[] = usable.map((i) => ({
      index: i,
      id: itemId(i),
      split: split[i],
      label: chosen.has(i) || (entries[i].role === 'cutout' && entries[i].item.label === 1) ? 1 : 0,
    }));
    const shards = planShards(items, cfg.output.shard_size);
    const resolved = resolvedConfig(cfg, inj);
    const plan = planFingerprint(
      items.map((it) => [it.id, describe(entries[it.index].item.source), it.split, it.label]),
    );
    checkResumable(out, resolved, plan);
    const todo = new Set(
      shards.filter((sh) => {
        const problem = shardProblem(out, cfg.output, sh);
        if (problem && problem !== 'missing') say(`shard ${sh.shard}: ${problem}: writing it again`);
        return problem !== null;
      }),
    );
    say(
      `inject into ${out}: ${usable.length} usable cutouts [${spec.bands}, ${size}, ${size}] (bands ${inj.bands.join(' ')}) ` +
        `of ${nCut} listed and ${entries.length - nCut} contaminants; ${chosen.size} to get a lens; ${skipped.length} skipped; ` +
        `${shards.length - todo.size} of ${shards.length} shards already complete`,
    );
    removeStaleTemporaries(out);
    recordPlan(out, plan);
    // `workers` is left out, as simulate leaves it out: it changes no byte
    const { workers: _workers, ...saved } = resolved;
    saveConfig(
      path.join(out, 'config.yaml'),
      saved,
      `lensfind inject: resolved configuration (any number of workers gives these bytes)\nPSF per band: ${inj.psfs.map((p, b) => `${inj.bands[b]} ${p.source}`).join(', ')}`,
    );

    // pass 2: inject and write, shard by shard
    const injecting = new Progress({
      label: 'inject',
      total: items.length,
      unit: 'img',
      stream,
      quiet: opts.quiet,
    });
    let fromCatalog = 0;
    const written: Promise<{ id: string; image: Float32Array }[]>[] = [];
    for (const shard of shards) {
      const jobs = shard.items.map((it): ShardJob => {
        const { item, role } = entries[it.index];
        const inject = chosen.has(it.index);
        const thetaE = inject && catalog ? catalogThetaE(catalog, item) : undefined;
        if (thetaE !== undefined) fromCatalog++;
        return {
          index: it.index,
          source: item.source,
          measure: measures.get(it.index)!,
          inject,
          thetaE,
          kind: role === 'contaminant' ? 'contaminant' : it.label === 1 ? 'none' : 'cutout',
          label: it.label,
          from: {
            source_id: item.id,
            source_path: describe(item.source),
            input_label: role === 'contaminant' ? 0 : item.label,
          },
        };
      });
      if (!todo.has(shard)) {
        // written by an earlier call: kept as it is
        injecting.tick(shard.items.length);
        continue;
      }
      written.push(runner.shard(shard, jobs, cfg.output.previews, () => injecting.tick()));
    }
    // the first injected cutouts of the shards written now, in shard order
    const previews = (await Promise.all(written)).flat().slice(0, cfg.output.previews);
    closeBar(injecting);
    const rows: ManifestRow[] = shards.flatMap((s) => readShardRows(out, s.shard));
    writeCsv(path.join(out, 'manifest.csv'), rows, manifestColumns(rows));
    if (skipped.length > 0)
      writeCsv(
        path.join(out, 'skipped.csv'),
        skipped.map((s) => ({ ...s })),
        ['source', 'reason'],
      );
    for (const p of previews)
      await writePreview(path.join(out, 'previews', `${p.id}.png`), p.image, spec.bands, size);

    const seconds = (performance.now() - start) / 1000;
    const count = (label?: number): Counts => {
      const c = { train: 0, val: 0, test: 0 };
      for (const it of items) if (label === undefined || it.label === label) c[it.split]++;
      return c;
    };
    const summary: InjectSummary = {
      out,
      bands: inj.bands,
      size,
      inputs: nCut,
      contaminants: entries.length - nCut,
      skipped,
      items: count(),
      lenses: count(1),
      injected: chosen.size,
      shardsWritten: todo.size,
      shardsKept: shards.length - todo.size,
      noDeflector: usable.filter((i) => isCandidate(i) && !measures.get(i)!.deflector.found).length,
      fromCatalog,
      seconds,
      itemsPerSecond: seconds > 0 ? items.length / seconds : 0,
      injectionsPerSecond: seconds > 0 ? chosen.size / seconds : 0,
    };
    say(
      `wrote ${items.length} cutouts in ${seconds.toFixed(1)} s (${summary.itemsPerSecond.toFixed(1)} per second): ` +
        `${chosen.size} with an injected lens (${fromCatalog} θ_E from the catalogue), ` +
        `${items.length - chosen.size} others (${entries.length - nCut} contaminants); ` +
        `${summary.noDeflector} without a deflector near the centre; manifest ${path.join(out, 'manifest.csv')}`,
    );
    return summary;
  } finally {
    await runner.close();
  }
}

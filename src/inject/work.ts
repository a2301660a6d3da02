/**
 * The two per-item jobs of `lensfind inject`, the same on the main thread and in worker threads (work-worker.ts):
 * measuring cutouts (read, checked, background and deflector measured) and injecting and writing one shard. Each
 * item depends only on (configuration, its place in the listing), so the bytes do not depend on who runs them.
 */
import { checkImage, readSource } from '../data/source.js';
import type { DatasetSpec, ItemSource } from '../data/types.js';
import { describeSurvey } from '../sim/dataset/describe.js';
import { renderAndWriteShard } from '../sim/dataset/layout.js';
import type { PlanItem, PlanShard } from '../sim/dataset/plan.js';
import type { RenderedItem } from '../sim/dataset/render-item.js';
import type { InjectConfig } from './config.js';
import type { CutoutMeasure, Injector } from './inject.js';

export type CutoutSpec = Pick<DatasetSpec, 'bands' | 'height' | 'width'>;

/** One cutout's measures, or why it cannot be used (reported and skipped). */
export type Measured = { index: number; measure: CutoutMeasure } | { index: number; skip: string };

/** Reads, checks against `spec` and measures the cutouts `sources` (their listing indices `indices`). */
export async function measureCutouts(
  inj: Injector,
  spec: CutoutSpec,
  jobs: readonly { index: number; source: ItemSource }[],
  onItem: () => void,
): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const { index, source } of jobs) {
    try {
      const img = await readSource(source);
      checkImage(img, source, spec);
      out.push({ index, measure: inj.measure(img.data) });
    } catch (err) {
      // any reading error is this file's problem (as openDataset treats it): reported, skipped
      out.push({ index, skip: (err as Error).message });
    }
    onItem();
  }
  return out;
}

/** What one item of a shard is made from. */
export interface ShardJob {
  index: number;
  source: ItemSource;
  measure: CutoutMeasure;
  /** Painted with a lens (θ_E from the catalogue when given), else written unchanged as `kind`. */
  inject: boolean;
  thetaE?: number;
  kind: 'contaminant' | 'none' | 'cutout';
  label: number;
  from: { source_id: string; source_path: string; input_label: number };
}

/** Injects and writes one shard; returns the first `previews` injected images. */
export async function injectShard(
  inj: Injector,
  cfg: Pick<InjectConfig, 'output' | 'seed'>,
  out: string,
  shard: PlanShard,
  jobs: readonly ShardJob[],
  previews: number,
  onItem: () => void,
): Promise<{ id: string; image: Float32Array }[]> {
  const done = new Map<number, RenderedItem>();
  const shown: { id: string; image: Float32Array }[] = [];
  const ids = new Map(shard.items.map((it) => [it.index, it.id]));
  for (const job of jobs) {
    const pixels = (await readSource(job.source)).data;
    if (job.inject) {
      const r = inj.inject(pixels, job.index, { thetaE: job.thetaE, measure: job.measure });
      done.set(job.index, { image: r.image, meta: { ...r.meta, ...job.from } });
      if (shown.length < previews) shown.push({ id: ids.get(job.index)!, image: r.image });
    } else
      done.set(job.index, {
        image: pixels,
        meta: { ...inj.unchanged(job.measure, job.kind, job.label), ...job.from },
      });
  }
  const renderer = {
    bands: inj.bands,
    size: inj.size,
    // The cutouts keep their own units, with the zero points they were given.
    description: describeSurvey(inj.survey, inj.bands, null),
    render: (p: PlanItem) => done.get(p.index)!,
  };
  renderAndWriteShard(renderer, cfg, out, shard, onItem);
  return shown;
}

/** What a worker is started with. */
export interface InjectWorkerData {
  cfg: InjectConfig;
  size: number;
  out: string;
}

export type InjectRequest =
  | { kind: 'measure'; spec: CutoutSpec; jobs: { index: number; source: ItemSource }[] }
  | { kind: 'shard'; shard: PlanShard; jobs: ShardJob[]; previews: number };

export type InjectReply =
  | { kind: 'measure'; measured: Measured[] }
  | { kind: 'shard'; previews: { id: string; image: Float32Array }[] };

import { Rng } from '../rng.js';
import { renderSimple } from '../simple/render.js';
import type { SimulateConfig } from '../config.js';
import type { PlanItem } from './plan.js';
import { createPhysicalRenderer } from './physical.js';
import { describeSimple, type DatasetDescription } from './describe.js';

export type MetaValue = number | string | boolean;

export interface RenderedItem {
  image: Float32Array;
  meta: Record<string, MetaValue>;
}

/** Renders plan items of one config; `render(item)` depends only on (config, item). */
export interface ItemRenderer {
  bands: string[];
  size: number;
  /** Units, pixel scale, zero points and survey of the rendered pixels. */
  description: DatasetDescription;
  render(item: PlanItem): RenderedItem;
}

export const SIMPLE_DEFAULT_BANDS = ['g', 'r', 'i'];

/** The renderer for a config's backend (loads the survey once; call once per worker). */
export async function createItemRenderer(cfg: SimulateConfig): Promise<ItemRenderer> {
  if (cfg.backend === 'physical') return createPhysicalRenderer(cfg);
  const bands = cfg.bands ?? SIMPLE_DEFAULT_BANDS;
  const size = cfg.image_size;
  return {
    bands,
    size,
    description: describeSimple(bands),
    render(item) {
      const rng = Rng.forItem(cfg.seed, item.index);
      return renderSimple(cfg.simple, rng, { label: item.label, size, bands: bands.length });
    },
  };
}

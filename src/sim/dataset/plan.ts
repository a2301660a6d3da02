import { Rng } from '../rng.js';
import { splitCounts, type SimulateConfig } from '../config.js';

export type SplitName = 'train' | 'val' | 'test';

/** One cutout to render: its index fixes its random stream (seed, index); label and split come from the plan. */
export interface PlanItem {
  index: number;
  id: string;
  split: SplitName;
  label: 0 | 1;
}

export interface PlanShard {
  shard: number;
  items: PlanItem[];
}

/** Random stream reserved for the plan's label shuffle, apart from every item's stream. */
const PLAN_STREAM = 0x706c616e;

export function itemId(index: number): string {
  return String(index).padStart(6, '0');
}

/**
 * The items of a dataset. Splits are contiguous blocks (train, val, test); within each split exactly
 * round(balance * size) items are lenses, at positions chosen by a seeded shuffle, so the prevalence is exact and
 * the plan depends only on the config.
 */
export function planItems(cfg: Pick<SimulateConfig, 'n' | 'splits' | 'balance' | 'seed'>): PlanItem[] {
  const counts = splitCounts(cfg);
  const items: PlanItem[] = [];
  const rng = Rng.forItem(cfg.seed, 0, PLAN_STREAM);
  for (const split of ['train', 'val', 'test'] as const) {
    const size = counts[split];
    const lenses = Math.round(cfg.balance * size);
    const labels: (0 | 1)[] = Array.from({ length: size }, (_, i) => (i < lenses ? 1 : 0));
    for (let i = size - 1; i > 0; i--) {
      const j = rng.int(0, i + 1);
      [labels[i], labels[j]] = [labels[j], labels[i]];
    }
    for (const label of labels) {
      const index = items.length;
      items.push({ index, id: itemId(index), split, label });
    }
  }
  return items;
}

/** Groups items into shards of `shardSize` consecutive items. */
export function planShards(items: readonly PlanItem[], shardSize: number): PlanShard[] {
  const shards: PlanShard[] = [];
  for (let start = 0; start < items.length; start += shardSize) {
    shards.push({ shard: shards.length, items: items.slice(start, start + shardSize) });
  }
  return shards;
}

export function shardName(shard: number): string {
  return `shard-${String(shard).padStart(5, '0')}`;
}

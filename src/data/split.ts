import { Sfc32Rng } from '../rng/index.js';
import type { DatasetItem, Split } from './types.js';

/** Random stream for the split, distinct from the sampler's and augmentation's. */
const SPLIT_STREAM = 0x5011;

/**
 * Stratified, seeded train/validation split: within each class, a seeded shuffle sends round(n * valFraction)
 * items (at least one when the class has two or more) to 'val'. Only items without a split, or in 'train' when the
 * data has no 'val' at all, are reassigned; 'test' items are kept. Returns new items; the input is not changed.
 */
export function assignSplits(
  items: readonly DatasetItem[],
  opts: { valFraction: number; seed: number },
): DatasetItem[] {
  const out = items.map((it) => ({ ...it }));
  const hasVal = out.some((it) => it.split === 'val');
  const pool = out.filter((it) => it.split === undefined || (!hasVal && it.split === 'train'));
  for (const it of pool) it.split = 'train';
  if (hasVal || opts.valFraction <= 0) return out;
  const labels = [...new Set(pool.map((it) => it.label))].sort((a, b) => a - b);
  for (const label of labels) {
    const members = pool.filter((it) => it.label === label);
    const rng = new Sfc32Rng(opts.seed, SPLIT_STREAM, label);
    rng.shuffle(members);
    let nVal = Math.round(members.length * opts.valFraction);
    if (nVal === 0 && members.length >= 2) nVal = 1;
    if (nVal >= members.length) nVal = members.length - 1;
    for (let i = 0; i < nVal; i++) members[i].split = 'val';
  }
  return out;
}

/** Indices of the items in a split, in dataset order. */
export function splitIndices(items: readonly DatasetItem[], split: Split): number[] {
  const out: number[] = [];
  items.forEach((it, i) => {
    if (it.split === split) out.push(i);
  });
  return out;
}

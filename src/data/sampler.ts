import { LensfindError } from '../errors.js';
import { Sfc32Rng } from '../rng/index.js';

const SAMPLER_STREAM = 0x5a3b;
export type SamplerKind = 'shuffle' | 'balanced';

/**
 * The order of one epoch over `indices` (dataset indices with `labels[k]` the label of indices[k]).
 * 'shuffle': a seeded permutation. 'balanced': as many draws with replacement, each class equally likely
 * (PyTorch's WeightedRandomSampler with weights 1/class count). Depends only on (seed, epoch).
 */
export function epochOrder(
  indices: readonly number[],
  labels: readonly number[],
  opts: { kind: SamplerKind; seed: number; epoch: number },
): number[] {
  const rng = new Sfc32Rng(opts.seed, SAMPLER_STREAM, opts.epoch);
  if (opts.kind === 'shuffle') {
    const order = indices.slice();
    rng.shuffle(order);
    return order;
  }
  const byClass = new Map<number, number[]>();
  indices.forEach((idx, k) => {
    const list = byClass.get(labels[k]) ?? [];
    list.push(idx);
    byClass.set(labels[k], list);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b).map((c) => byClass.get(c)!);
  const order: number[] = new Array(indices.length);
  for (let i = 0; i < order.length; i++) {
    const members = classes[rng.int(classes.length)];
    order[i] = members[rng.int(members.length)];
  }
  return order;
}

/** BCE pos_weight that balances the classes: negatives / positives of the training labels. */
export function computePosWeight(labels: ArrayLike<number>): number {
  let pos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0.5) pos++;
  const neg = labels.length - pos;
  if (pos === 0)
    throw new LensfindError('E_DATA', 'computePosWeight: the training labels have no positives (lenses)');
  return neg / pos;
}

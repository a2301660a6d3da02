import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assignSplits,
  computePosWeight,
  epochOrder,
  splitIndices,
  type DatasetItem,
} from '../../src/data/index.js';

function items(nPos: number, nNeg: number, split?: 'train' | 'test'): DatasetItem[] {
  return Array.from({ length: nPos + nNeg }, (_, i) => ({
    id: String(i),
    label: i < nPos ? 1 : 0,
    split,
    source: { file: 'x.npy', index: i },
    meta: {},
  }));
}

test('split is stratified: each class keeps its share in validation', () => {
  const out = assignSplits(items(40, 960), { valFraction: 0.2, seed: 3 });
  const val = out.filter((i) => i.split === 'val');
  assert.equal(val.filter((i) => i.label === 1).length, 8);
  assert.equal(val.filter((i) => i.label === 0).length, 192);
  assert.equal(out.filter((i) => i.split === 'train').length, 800);
  // A rare class still gets one validation item.
  const rare = assignSplits(items(3, 200), { valFraction: 0.1, seed: 3 });
  assert.equal(rare.filter((i) => i.split === 'val' && i.label === 1).length, 1);
});

test('split is deterministic per seed and differs between seeds; test items and existing val are kept', () => {
  const a = assignSplits(items(50, 50), { valFraction: 0.3, seed: 11 });
  const b = assignSplits(items(50, 50), { valFraction: 0.3, seed: 11 });
  const c = assignSplits(items(50, 50), { valFraction: 0.3, seed: 12 });
  assert.deepEqual(splitIndices(a, 'val'), splitIndices(b, 'val'));
  assert.notDeepEqual(splitIndices(a, 'val'), splitIndices(c, 'val'));
  const t = assignSplits(items(5, 5, 'test'), { valFraction: 0.3, seed: 1 });
  assert.ok(t.every((i) => i.split === 'test'));
  const withVal = items(5, 5).map((it, i) => ({
    ...it,
    split: i === 0 ? ('val' as const) : ('train' as const),
  }));
  assert.deepEqual(splitIndices(assignSplits(withVal, { valFraction: 0.5, seed: 1 }), 'val'), [0]);
});

test('shuffle is a seeded permutation per epoch', () => {
  const idx = Array.from({ length: 100 }, (_, i) => i);
  const labels = idx.map((i) => (i < 10 ? 1 : 0));
  const e0 = epochOrder(idx, labels, { kind: 'shuffle', seed: 1, epoch: 0 });
  assert.deepEqual(
    [...e0].sort((a, b) => a - b),
    idx,
  );
  assert.deepEqual(epochOrder(idx, labels, { kind: 'shuffle', seed: 1, epoch: 0 }), e0);
  assert.notDeepEqual(epochOrder(idx, labels, { kind: 'shuffle', seed: 1, epoch: 1 }), e0);
});

test('balanced sampler draws the classes equally even at 1 lens per 100', () => {
  const idx = Array.from({ length: 10000 }, (_, i) => i);
  const labels = idx.map((i) => (i % 100 === 0 ? 1 : 0));
  const order = epochOrder(idx, labels, { kind: 'balanced', seed: 2, epoch: 0 });
  assert.equal(order.length, 10000);
  const pos = order.filter((i) => i % 100 === 0).length;
  assert.ok(Math.abs(pos - 5000) < 200, `positives drawn ${pos}`); // binomial sd = 50
  assert.deepEqual(epochOrder(idx, labels, { kind: 'balanced', seed: 2, epoch: 0 }), order);
  // Positives are spread over all 100 lenses, not one repeated.
  assert.ok(new Set(order.filter((i) => i % 100 === 0)).size > 95);
});

test('posWeight = negatives / positives', () => {
  assert.equal(computePosWeight([1, 0, 0, 0, 1, 0, 0, 0, 0, 0]), 4);
  assert.throws(() => computePosWeight([0, 0]), /no positives/);
});

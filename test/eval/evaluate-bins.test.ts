import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binnedMetrics, quantileEdges } from '../../src/eval/report-bins.js';

test('quantile edges: rounded to 3 digits, outer edges rounded outwards, none for a constant column', () => {
  assert.deepEqual(quantileEdges([0.6, 1.0, 1.4, 0.5 + 0.1 * 23]), [0.6, 1, 1.4, 2.81]);
  assert.deepEqual(quantileEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 2), [1, 6, 11]);
  assert.deepEqual(quantileEdges([0.12345, 0.5]), [0.123, 0.5]);
  assert.deepEqual(quantileEdges([3, 3, 3]), []);
  assert.deepEqual(quantileEdges([NaN, 2]), []);
});

test('binned metrics: lens columns over lenses only, negative_kind over all rows', () => {
  const labels = [1, 1, 1, 1, 0, 0, 0, 0];
  const scores = [0.9, 0.2, 0.8, 0.7, 0.6, 0.1, 0.3, 0.2];
  const meta = [
    { theta_E: 1, negative_kind: 'none' },
    { theta_E: 1.2, negative_kind: 'none' },
    { theta_E: 2, negative_kind: 'none' },
    { theta_E: 2.5, negative_kind: 'none' },
    { theta_E: 0, negative_kind: 'spiral' },
    { theta_E: 0, negative_kind: 'spiral' },
    { theta_E: 0, negative_kind: 'ring' },
    { theta_E: 0, negative_kind: 'ring' },
  ];
  const out = binnedMetrics(labels, scores, meta);
  assert.deepEqual(Object.keys(out), ['theta_E', 'negative_kind']);
  // Edges at quantiles of the lenses' theta_E [1, 1.2, 2, 2.5] with 5 bins: 1, 1.2, 2, 2.5.
  assert.deepEqual(
    out.theta_E.map((b) => [b.bin, b.count, b.tpr]),
    [
      ['[1, 1.2)', 1, 1],
      ['[1.2, 2)', 1, 0],
      ['[2, 2.5]', 2, 1],
    ],
  );
  assert.deepEqual(
    out.negative_kind.map((b) => [b.bin, b.count, b.tpr, b.fpr]),
    [
      ['none', 4, 0.75, NaN],
      ['spiral', 2, NaN, 0.5],
      ['ring', 2, NaN, 0],
    ],
  );
});

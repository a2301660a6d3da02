import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianInPlace, robustLevel } from '../../src/metrics/robust.js';

const sortedMedian = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const h = (s.length - 1) / 2;
  return (s[Math.floor(h)] + s[Math.ceil(h)]) / 2;
};

test('quickselect median equals the median of the sorted values, odd and even lengths, with ties', () => {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 10;
  for (const n of [1, 2, 3, 4, 5, 10, 11, 100, 257]) {
    const v = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? Math.floor(next()) : next()));
    assert.equal(medianInPlace(Float64Array.from(v)), sortedMedian(v), `n ${n}`);
  }
  assert.ok(Number.isNaN(medianInPlace(new Float64Array(0))));
});

test('robustLevel: median and 1.4826 MAD', () => {
  // median 3; deviations 2 1 0 1 97 -> MAD 1
  const { level, sigma } = robustLevel(Float64Array.from([1, 2, 3, 4, 100]));
  assert.equal(level, 3);
  assert.equal(sigma, 1.4826);
});

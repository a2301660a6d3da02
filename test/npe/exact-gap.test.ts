import { test } from 'node:test';
import assert from 'node:assert/strict';
import { npe } from '../../src/index.js';

test('summariseGap: the mean gap with its standard error, overall and per SNR bin', () => {
  const r = {
    gap: Float64Array.from([1, 2, 3, 6]),
    flow: Float64Array.from([-1, -2, -3, -4]),
    exact: Float64Array.from([0, 0, 0, 2]),
  };
  const s = npe.summariseGap(r, [10, 60, 70, 2000], [0, 50, 200, 1000, Infinity]);
  assert.equal(s.galaxies, 4);
  assert.equal(s.meanNats, 3);
  // sample sd of 1, 2, 3, 6 is sqrt(14 / 3)
  assert.ok(Math.abs(s.stderr - Math.sqrt(14 / 3) / 2) < 1e-12);
  assert.equal(s.flowNll, 2.5);
  assert.equal(s.exactNll, -0.5);
  assert.deepEqual(
    s.bySnr.map((b) => [b.lo, b.hi, b.galaxies, b.meanNats]),
    [
      [0, 50, 1, 1],
      [50, 200, 2, 2.5],
      [200, 1000, 0, NaN],
      [1000, Infinity, 1, 6],
    ],
  );
  // a bin without galaxies has no figures (null in the report), not zeros; one galaxy has no standard error
  assert.ok(Number.isNaN(s.bySnr[2].flowNll) && Number.isNaN(s.bySnr[3].stderr));
});

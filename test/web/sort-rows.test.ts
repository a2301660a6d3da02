import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortRowsByNumber } from '../../src/web/sort-rows.js';
import { mulberry32 } from '../helpers/mulberry32.js';

/** The order by definition: a comparator sort, NaN last, ties by position in `rows`. */
function reference(rows: Int32Array, values: Float64Array, sign: 1 | -1): number[] {
  const pos = new Map([...rows].map((r, k) => [r, k]));
  return [...rows].sort((a, b) => {
    const [x, y] = [values[a], values[b]];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) && Number.isNaN(y)) return pos.get(a)! - pos.get(b)!;
      return Number.isNaN(x) ? 1 : -1;
    }
    return x === y ? pos.get(a)! - pos.get(b)! : sign * (x - y);
  });
}

test('the radix order equals a comparator sort: negatives, zeros of both signs, ties, NaN, tiny and huge values', () => {
  const rand = mulberry32(11);
  const special = [0, -0, NaN, 1e-300, -1e-300, 5e-324, -5e-324, 1e300, -1e300, 1, -1, 0.5, 2 ** 52];
  for (const n of [0, 1, 2, 7, 1000, 70_000]) {
    const values = Float64Array.from({ length: n }, (_, k) => {
      const u = rand();
      if (u < 0.1) return special[k % special.length];
      if (u < 0.4) return Math.round(rand() * 10) / 10; // many ties
      return (rand() - 0.5) * 10 ** Math.round(rand() * 20 - 10);
    });
    // A subset of the rows in a shuffled order, as a filtered view would pass.
    const rows = Int32Array.from({ length: n }, (_, k) => k).filter(() => rand() < 0.8);
    for (let k = rows.length - 1; k > 0; k--) {
      const j = Math.floor(rand() * (k + 1));
      [rows[k], rows[j]] = [rows[j], rows[k]];
    }
    for (const sign of [1, -1] as const) {
      assert.deepEqual(
        [...sortRowsByNumber(rows, values, sign)],
        reference(rows, values, sign),
        `n=${n} sign=${sign}`,
      );
    }
  }
});

test('a known small order', () => {
  const values = Float64Array.from([3, NaN, -2, 3, 0, -0, 10]);
  const rows = Int32Array.from([0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...sortRowsByNumber(rows, values, -1)], [6, 0, 3, 4, 5, 2, 1]);
  assert.deepEqual([...sortRowsByNumber(rows, values, 1)], [2, 4, 5, 0, 3, 6, 1]);
});

/**
 * Orders of catalogue rows by a numeric column. A comparator sort of 100,000 row numbers costs ~100 ms of calls back
 * into JavaScript; a least-significant-digit radix sort on the values' bits does it in a few linear passes, and is
 * stable, so rows with equal values stay in catalogue order without a tie-break.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Which of the two 32-bit halves holds the sign and exponent (the machine's byte order). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/**
 * Returns `rows` ordered by `values[row]`: ascending (sign 1) or descending (-1), NaN (empty cells) last either
 * way, equal values in the order they had in `rows`.
 */
export function sortRowsByNumber(rows: Int32Array, values: Float64Array, sign: 1 | -1): Int32Array {
  const m = rows.length;
  let hi = new Uint32Array(m);
  let lo = new Uint32Array(m);
  for (let k = 0; k < m; k++) {
    const v = values[rows[k]];
    if (Number.isNaN(v)) {
      hi[k] = 0xffffffff;
      lo[k] = 0xffffffff;
      continue;
    }
    f64[0] = v === 0 ? 0 : sign * v; // -0 and 0 are one value
    let h = u32[HI];
    let l = u32[LO];
    // IEEE bits to an unsigned key in numeric order: negatives flipped whole, positives get the sign bit set.
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    // No finite value maps to the all-ones key kept for NaN: that would need a negative NaN's bits.
    hi[k] = h;
    lo[k] = l;
  }
  let order = Int32Array.from(rows);
  let nextOrder = new Int32Array(m);
  let nextHi = new Uint32Array(m);
  let nextLo = new Uint32Array(m);
  const count = new Uint32Array(65537);
  for (let pass = 0; pass < 4; pass++) {
    const keys = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let k = 0; k < m; k++) count[((keys[k] >>> shift) & 0xffff) + 1]++;
    if (count[((keys[0] >>> shift) & 0xffff) + 1] === m) continue; // one digit everywhere: nothing moves
    for (let d = 1; d <= 65536; d++) count[d] += count[d - 1];
    for (let k = 0; k < m; k++) {
      const to = count[(keys[k] >>> shift) & 0xffff]++;
      nextOrder[to] = order[k];
      nextHi[to] = hi[k];
      nextLo[to] = lo[k];
    }
    [order, nextOrder] = [nextOrder, order];
    [hi, nextHi] = [nextHi, hi];
    [lo, nextLo] = [nextLo, lo];
  }
  return order;
}

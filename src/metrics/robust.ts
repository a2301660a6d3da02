/**
 * Robust location and scale of plain arrays: the median (quickselect, linear time) and 1.4826 x the median absolute
 * deviation, the Gaussian sigma. One implementation for data normalisation, injection's noise estimates and the
 * NPE checks.
 */

/** The k-th smallest value of v (quickselect; v is reordered). */
function select(v: Float64Array, k: number): number {
  let lo = 0,
    hi = v.length - 1;
  while (lo < hi) {
    const pivot = v[(lo + hi) >> 1];
    let i = lo,
      j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        const t = v[i];
        v[i++] = v[j];
        v[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return v[k];
}

/** The median of v (NaN when empty); v is reordered. */
export function medianInPlace(v: Float64Array): number {
  const n = v.length;
  if (n === 0) return NaN;
  const upper = select(v, n >> 1);
  if (n % 2) return upper;
  // the lower middle is the largest value below the upper one's place
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) lower = Math.max(lower, v[i]);
  return 0.5 * (lower + upper);
}

/** Median and 1.4826 x median absolute deviation of values. */
/** values is overwritten (reordered, then the absolute deviations). */
export function robustLevel(values: Float64Array): { level: number; sigma: number } {
  const level = medianInPlace(values);
  for (let i = 0; i < values.length; i++) values[i] = Math.abs(values[i] - level);
  return { level, sigma: 1.4826 * medianInPlace(values) };
}

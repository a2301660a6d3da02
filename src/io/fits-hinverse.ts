/**
 * The inverse H-transform of HCOMPRESS_1 (R. White's hinv and hsmooth, the format of cfitsio's fits_hdecompress.c,
 * written anew): see fits-hcompress.ts for the stream. Arrays are [nx][ny], ny fastest; arithmetic on doubles with
 * C's shifts and masks of negatives as floor divisions.
 */

/** ceil(log2(n)) (0 for n <= 1), the number of halvings that take n to 1. */
export function log2Ceil(n: number): number {
  let k = 0;
  while (1 << k < n) k++;
  return k;
}

/** v rounded to a multiple of b (a power of 2) the way hinv does: half up for v >= 0, half down below 0. */
function roundTo(v: number, b: number): number {
  if (b === 1) return v;
  return Math.floor((v + (v >= 0 ? b / 2 : b / 2 - 1)) / b) * b;
}

/** Bit b (a power of 2) of v in two's complement, as v & b. */
const bitOf = (v: number, b: number): number => (Math.floor(v / b) & 1) * b;

/**
 * Inverse H-transform of an nx x ny array in place: log2n expansions, each interleaving the coefficients
 * (unshuffle) and turning each 2 x 2 block (sum h0, differences hx, hy, hc) back into four values, with the
 * rounding that makes the transform lossless for integers.
 */
export function hInverse(a: Float64Array, nx: number, ny: number, smooth: boolean, scale: number): void {
  const nmax = Math.max(nx, ny);
  const log2n = log2Ceil(nmax);
  const tmp = new Float64Array((nmax + 1) >> 1);
  a[0] = roundTo(a[0], 2 ** (log2n + 1));
  let nxtop = 1;
  let nytop = 1;
  let nxf = nx;
  let nyf = ny;
  let c = 1 << log2n;
  for (let k = log2n - 1; k >= 0; k--) {
    const bit0 = 2 ** k;
    const bit1 = 2 * bit0;
    const div = k === 0 ? 4 : 2; // sums are halved, quartered on the last pass
    c >>= 1;
    nxtop <<= 1;
    nytop <<= 1;
    if (nxf <= c) nxtop -= 1;
    else nxf -= c;
    if (nyf <= c) nytop -= 1;
    else nyf -= c;
    for (let i = 0; i < nxtop; i++) unshuffle(a, ny * i, nytop, 1, tmp);
    for (let j = 0; j < nytop; j++) unshuffle(a, j, nxtop, ny, tmp);
    if (smooth) hSmooth(a, nxtop, nytop, ny, scale);
    const oddx = nxtop % 2;
    const oddy = nytop % 2;
    let i = 0;
    for (; i < nxtop - oddx; i += 2) {
      let s00 = ny * i;
      let s10 = s00 + ny;
      for (let j = 0; j < nytop - oddy; j += 2) {
        let h0 = a[s00];
        let hx = roundTo(a[s10], bit1);
        let hy = roundTo(a[s00 + 1], bit1);
        const hc = roundTo(a[s10 + 1], bit0);
        // Carry the low bits of the differences into h0 so that negative pixels invert exactly too.
        const lowbit0 = bitOf(hc, bit0);
        hx = hx >= 0 ? hx - lowbit0 : hx + lowbit0;
        hy = hy >= 0 ? hy - lowbit0 : hy + lowbit0;
        const lowbit1 = ((Math.floor(hc / bit1) ^ Math.floor(hx / bit1) ^ Math.floor(hy / bit1)) & 1) * bit1;
        h0 = h0 >= 0 ? h0 + lowbit0 - lowbit1 : h0 + (lowbit0 === 0 ? lowbit1 : lowbit0 - lowbit1);
        a[s10 + 1] = Math.floor((h0 + hx + hy + hc) / div);
        a[s10] = Math.floor((h0 + hx - hy - hc) / div);
        a[s00 + 1] = Math.floor((h0 - hx + hy - hc) / div);
        a[s00] = Math.floor((h0 - hx - hy + hc) / div);
        s00 += 2;
        s10 += 2;
      }
      if (oddy) {
        // Last element of an odd-length row: only h0 and hx exist.
        const hx = roundTo(a[s10], bit1);
        const h0 = a[s00] >= 0 ? a[s00] - bitOf(hx, bit1) : a[s00] + bitOf(hx, bit1);
        a[s10] = Math.floor((h0 + hx) / div);
        a[s00] = Math.floor((h0 - hx) / div);
      }
    }
    if (oddx) {
      // Last row of an odd-length column: only h0 and hy exist (and h0 alone in the corner).
      let s00 = ny * i;
      for (let j = 0; j < nytop - oddy; j += 2) {
        const hy = roundTo(a[s00 + 1], bit1);
        const h0 = a[s00] >= 0 ? a[s00] - bitOf(hy, bit1) : a[s00] + bitOf(hy, bit1);
        a[s00 + 1] = Math.floor((h0 + hy) / div);
        a[s00] = Math.floor((h0 - hy) / div);
        s00 += 2;
      }
      if (oddy) a[s00] = Math.floor(a[s00] / div);
    }
  }
}

/** Interleaves n elements of `a` (stride `stride` from `off`): the first half to even places, the second to odd. */
function unshuffle(a: Float64Array, off: number, n: number, stride: number, tmp: Float64Array): void {
  const half = (n + 1) >> 1;
  for (let i = half; i < n; i++) tmp[i - half] = a[off + i * stride];
  for (let i = half - 1; i >= 0; i--) a[off + 2 * i * stride] = a[off + i * stride];
  for (let i = 1, t = 0; i < n; i += 2, t++) a[off + i * stride] = tmp[t];
}

const clamp = (v: number, lo: number, hi: number): number => Math.max(Math.min(v, hi), lo);
/** x / 2^k rounded toward zero for negatives as hsmooth does ((s + 2^k - 1) >> k). */
const divToward = (s: number, d: number): number =>
  s >= 0 ? Math.floor(s / d) : Math.floor((s + d - 1) / d);

/**
 * Smoothing during inversion (SMOOTH != 0): each difference coefficient moves toward the slope (or curvature) that
 * matches the neighbouring blocks' means, within monotonicity limits and by at most scale / 2 (the rounding error
 * that quantisation by `scale` left). Edge blocks are not adjusted.
 */
function hSmooth(a: Float64Array, nxtop: number, nytop: number, ny: number, scale: number): void {
  const smax = scale >> 1;
  if (smax <= 0) return;
  const ny2 = 2 * ny;
  // x differences hx
  for (let i = 2; i < nxtop - 2; i += 2) {
    for (let j = 0, s00 = ny * i, s10 = s00 + ny; j < nytop; j += 2, s00 += 2, s10 += 2) {
      const d = limitedSlope(a[s00 - ny2], a[s00], a[s00 + ny2]);
      if (d !== undefined) a[s10] += clamp(divToward(d - a[s10] * 8, 8), -smax, smax);
    }
  }
  // y differences hy
  for (let i = 0; i < nxtop; i += 2) {
    for (let j = 2, s00 = ny * i + 2; j < nytop - 2; j += 2, s00 += 2) {
      const d = limitedSlope(a[s00 - 2], a[s00], a[s00 + 2]);
      if (d !== undefined) a[s00 + 1] += clamp(divToward(d - a[s00 + 1] * 8, 8), -smax, smax);
    }
  }
  // cross differences hc
  for (let i = 2; i < nxtop - 2; i += 2) {
    for (let j = 2, s00 = ny * i + 2, s10 = s00 + ny; j < nytop - 2; j += 2, s00 += 2, s10 += 2) {
      const hmm = a[s00 - ny2 - 2];
      const hpm = a[s00 + ny2 - 2];
      const hmp = a[s00 - ny2 + 2];
      const hpp = a[s00 + ny2 + 2];
      const h0 = a[s00];
      const hx2 = a[s10] * 2;
      const hy2 = a[s00 + 1] * 2;
      const dmax =
        Math.min(
          Math.min(Math.max(hpp - h0, 0) - hx2 - hy2, Math.max(h0 - hpm, 0) + hx2 - hy2),
          Math.min(Math.max(h0 - hmp, 0) - hx2 + hy2, Math.max(hmm - h0, 0) + hx2 + hy2),
        ) * 16;
      const dmin =
        Math.max(
          Math.max(Math.min(hpp - h0, 0) - hx2 - hy2, Math.min(h0 - hpm, 0) + hx2 - hy2),
          Math.max(Math.min(h0 - hmp, 0) - hx2 + hy2, Math.min(hmm - h0, 0) + hx2 + hy2),
        ) * 16;
      if (dmin < dmax) {
        const diff = clamp(hpp + hmm - hmp - hpm, dmin, dmax);
        a[s10 + 1] += clamp(divToward(diff - a[s10 + 1] * 64, 64), -smax, smax);
      }
    }
  }
}

/** 8 x the slope matching the neighbours' means hm, hp, limited to keep h0 monotonic; undefined if it must be 0. */
function limitedSlope(hm: number, h0: number, hp: number): number | undefined {
  const dmax = Math.max(Math.min(hp - h0, h0 - hm), 0) * 4;
  const dmin = Math.min(Math.max(hp - h0, h0 - hm), 0) * 4;
  return dmin < dmax ? clamp(hp - hm, dmin, dmax) : undefined;
}

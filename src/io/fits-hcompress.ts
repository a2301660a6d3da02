import { DataError } from '../errors.js';

/**
 * HCOMPRESS_1 decompression of one FITS tile: R. White's H-transform coder (the format of cfitsio's
 * fits_hdecompress.c, written anew here). A tile's stream holds a header (magic 0xDD99, nx, ny, scale, the sum of
 * all pixels, the bit-plane counts of the three quadrant types), the H-transform coefficients' magnitudes coded bit
 * plane by bit plane as quadtrees of 4-bit codes (Huffman-coded) or written directly, then one sign bit per nonzero
 * coefficient. Decoding multiplies the coefficients by `scale` (lossy when scale > 1) and inverts the transform,
 * optionally smoothing (SMOOTH != 0) by nudging coefficients toward values interpolated from neighbouring blocks.
 *
 * Arithmetic is on doubles, exact while |values| < 2^53, so one implementation serves cfitsio's 32-bit and 64-bit
 * decoders (they differ only in where they overflow); C's shifts and masks on negatives become floor divisions.
 * Arrays are [nx][ny] with ny varying fastest: ny is the tile's first FITS axis.
 */
export function hDecompress(
  input: Uint8Array,
  smooth: boolean,
  where: string,
): { pixels: Float64Array; nx: number; ny: number; scale: number } {
  if (input.length < 25 || input[0] !== 0xdd || input[1] !== 0x99) {
    throw new DataError(`${where}: HCOMPRESS_1 data do not start with the H-compress magic code 0xDD99`);
  }
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const nx = view.getInt32(2);
  const ny = view.getInt32(6);
  const scale = view.getInt32(10);
  const sumAll = Number(view.getBigInt64(14));
  if (!(nx >= 1 && ny >= 1 && nx * ny <= 2 ** 31)) {
    throw new DataError(`${where}: HCOMPRESS_1 tile size ${nx} x ${ny} is invalid`);
  }
  const planes = [input[22], input[23], input[24]];
  const a = new Float64Array(nx * ny);
  const bits = new BitReader(input, 25, where);
  // The four quadrants of the transform (sums, x differences, y differences, cross differences).
  const nx2 = (nx + 1) >> 1;
  const ny2 = (ny + 1) >> 1;
  qtreeDecode(bits, a, 0, ny, nx2, ny2, planes[0]);
  qtreeDecode(bits, a, ny2, ny, nx2, ny >> 1, planes[1]);
  qtreeDecode(bits, a, ny * nx2, ny, nx >> 1, ny2, planes[1]);
  qtreeDecode(bits, a, ny * nx2 + ny2, ny, nx >> 1, ny >> 1, planes[2]);
  if (bits.nbits(4) !== 0) throw new DataError(`${where}: HCOMPRESS_1 bit planes do not end with a 0 nybble`);
  // Sign bits start on a byte boundary.
  bits.align();
  for (let i = 0; i < a.length; i++) if (a[i] !== 0 && bits.bit() === 1) a[i] = -a[i];
  a[0] = sumAll;
  if (scale > 1) for (let i = 0; i < a.length; i++) a[i] *= scale;
  hInverse(a, nx, ny, smooth, scale);
  return { pixels: a, nx, ny, scale };
}

/** MSB-first bit input over the tile's bytes; reading past the end is a truncated tile. */
class BitReader {
  private buffer = 0;
  private left = 0;
  constructor(
    private readonly input: Uint8Array,
    private pos: number,
    readonly where: string,
  ) {}
  private byte(): number {
    if (this.pos >= this.input.length) {
      throw new DataError(`${this.where}: HCOMPRESS_1 tile ends early (${this.input.length} bytes)`);
    }
    return this.input[this.pos++];
  }
  bit(): number {
    if (this.left === 0) {
      this.buffer = this.byte();
      this.left = 8;
    }
    return (this.buffer >> --this.left) & 1;
  }
  /** The next n (<= 8) bits. */
  nbits(n: number): number {
    if (this.left < n) {
      this.buffer = ((this.buffer << 8) | this.byte()) & 0xffff;
      this.left += 8;
    }
    this.left -= n;
    return (this.buffer >> this.left) & ((1 << n) - 1);
  }
  align(): void {
    this.left = 0;
  }
  /** One 4-bit quadtree code, Huffman-coded (fixed code table of the format, 3 to 6 bits). */
  huffman(): number {
    let c = this.nbits(3);
    if (c < 4) return 1 << c;
    c = (c << 1) | this.bit();
    if (c < 13) return [3, 5, 10, 12, 15][c - 8];
    c = (c << 1) | this.bit();
    if (c < 31) return [6, 7, 9, 11, 13][c - 26];
    c = (c << 1) | this.bit();
    return c === 62 ? 0 : 14;
  }
}

/** ceil(log2(n)) (0 for n <= 1), the number of halvings that take n to 1. */
function log2Ceil(n: number): number {
  let k = 0;
  while (1 << k < n) k++;
  return k;
}

/**
 * Decodes `planes` bit planes of an nqx x nqy quadrant of `a` (row length n, starting at `off`). Each plane is
 * either written directly (code 0: 4 pixels per nybble) or quadtree-coded (code 0xF): from one code for the whole
 * quadrant, each nonzero 4-bit code is expanded into its 2 x 2 children, which are read in turn, down to pixels.
 */
function qtreeDecode(
  bits: BitReader,
  a: Float64Array,
  off: number,
  n: number,
  nqx: number,
  nqy: number,
  planes: number,
): void {
  const log2n = log2Ceil(Math.max(nqx, nqy));
  for (let bit = planes - 1; bit >= 0; bit--) {
    const format = bits.nbits(4);
    let codes: Uint8Array;
    if (format === 0) {
      codes = new Uint8Array(((nqx + 1) >> 1) * ((nqy + 1) >> 1));
      for (let i = 0; i < codes.length; i++) codes[i] = bits.nbits(4);
    } else if (format === 0xf) {
      codes = Uint8Array.of(bits.huffman());
      let nx = 1;
      let ny = 1;
      let nfx = nqx;
      let nfy = nqy;
      let c = 1 << log2n;
      // Level sizes follow n[k-1] = (n[k] + 1) / 2 from the quadrant's size.
      for (let k = 1; k < log2n; k++) {
        c >>= 1;
        nx <<= 1;
        ny <<= 1;
        if (nfx <= c) nx -= 1;
        else nfx -= c;
        if (nfy <= c) ny -= 1;
        else nfy -= c;
        codes = expandCodes(codes, nx, ny);
        for (let i = nx * ny - 1; i >= 0; i--) if (codes[i]) codes[i] = bits.huffman();
      }
    } else {
      throw new DataError(`${bits.where}: HCOMPRESS_1 bit plane format code ${format} (expected 0 or 15)`);
    }
    insertBits(codes, nqx, nqy, a, off, n, 2 ** bit);
  }
}

/** Bit of a 4-bit code for child (di, dj) of its 2 x 2 block: 8 = (0,0), 4 = (0,1), 2 = (1,0), 1 = (1,1). */
const childBit = (code: number, di: number, dj: number): number => (code >> (3 - 2 * di - dj)) & 1;

/** The nx x ny array of 0/1 flags of the children of the codes in a ((nx+1)/2) x ((ny+1)/2) array. */
function expandCodes(codes: Uint8Array, nx: number, ny: number): Uint8Array {
  const ny2 = (ny + 1) >> 1;
  const out = new Uint8Array(nx * ny);
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) out[i * ny + j] = childBit(codes[(i >> 1) * ny2 + (j >> 1)], i & 1, j & 1);
  }
  return out;
}

/** Adds `value` (one bit plane) to the pixels of the quadrant whose 4-bit codes say so. */
function insertBits(
  codes: Uint8Array,
  nx: number,
  ny: number,
  a: Float64Array,
  off: number,
  n: number,
  value: number,
): void {
  const ny2 = (ny + 1) >> 1;
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      if (childBit(codes[(i >> 1) * ny2 + (j >> 1)], i & 1, j & 1)) a[off + i * n + j] += value;
    }
  }
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
function hInverse(a: Float64Array, nx: number, ny: number, smooth: boolean, scale: number): void {
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

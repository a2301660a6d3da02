import { DataError } from '../errors.js';
import { hInverse, log2Ceil } from './fits-hinverse.js';

/**
 * HCOMPRESS_1 decompression of one FITS tile: R. White's H-transform coder (the format of cfitsio's
 * fits_hdecompress.c, written anew here). A tile's stream holds a header (magic 0xDD99, nx, ny, scale, the sum of
 * all pixels, the bit-plane counts of the three quadrant types), the H-transform coefficients' magnitudes coded bit
 * plane by bit plane as quadtrees of 4-bit codes (Huffman-coded) or written directly, then one sign bit per nonzero
 * coefficient. Decoding multiplies the coefficients by `scale` (lossy when scale > 1) and inverts the transform
 * (fits-hinverse.ts), optionally smoothing (SMOOTH != 0) by nudging coefficients toward values interpolated from
 * neighbouring blocks.
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
  // cfitsio returns 32-bit ints (its 64-bit decoder truncates to them): a lossy value past the int32 range wraps, as
  // in astropy (it happens to dithered floats quantised with SUBTRACTIVE_DITHER_2, which uses the whole range).
  for (let i = 0; i < a.length; i++) a[i] |= 0;
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

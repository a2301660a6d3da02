import { DataError } from '../errors.js';

/**
 * Rice decompression of one FITS tile (the RICE_1 algorithm of the tiled image convention; a TypeScript port of
 * the decoder in cfitsio's ricecomp.c). Pixels are coded as differences from the previous pixel, in blocks of
 * `blockSize` with one split parameter `fs` per block: fs = -1 means all differences are zero, fs = fsmax means the
 * block is stored raw, else each difference is a unary part plus `fs` low bits. `bytepix` is 1, 2 or 4.
 */
export function riceDecode(
  input: Uint8Array,
  count: number,
  blockSize: number,
  bytepix: number,
  where: string,
): Int32Array {
  const params = { 1: [3, 6, 8], 2: [4, 14, 16], 4: [5, 25, 32] }[bytepix as 1 | 2 | 4];
  if (!params) throw new DataError(`${where}: RICE_1 BYTEPIX ${bytepix} is invalid (expected 1, 2 or 4)`);
  const [fsbits, fsmax, bbits] = params;
  const out = new Int32Array(count);
  const end = input.length;
  let pos = 0;
  // Bytes past the end read as 0 (as a C decoder would read garbage); a tile that needed them is reported below.
  const byte = (): number => (pos < end ? input[pos++] : (pos++, 0));
  let lastpix = 0;
  for (let k = 0; k < bytepix; k++) lastpix = lastpix * 256 + byte();
  lastpix = bytepix === 1 ? lastpix & 0xff : bytepix === 2 ? (lastpix << 16) >> 16 : lastpix | 0;
  // b holds the unread bits (unsigned 32-bit, as cfitsio's `unsigned int b`); nbits how many of them are valid.
  let b = byte();
  let nbits = 8;
  for (let i = 0; i < count;) {
    nbits -= fsbits;
    while (nbits < 0) {
      b = ((b << 8) | byte()) >>> 0;
      nbits += 8;
    }
    const fs = (b >>> nbits) - 1;
    b = (b & ((1 << nbits) - 1)) >>> 0;
    const imax = Math.min(i + blockSize, count);
    if (fs < 0) {
      for (; i < imax; i++) out[i] = lastpix;
    } else if (fs === fsmax) {
      for (; i < imax; i++) {
        let k = bbits - nbits;
        let diff = k >= 32 ? 0 : (b << k) >>> 0;
        for (k -= 8; k >= 0; k -= 8) {
          b = byte();
          diff = (diff | (b << k)) >>> 0;
        }
        if (nbits > 0) {
          b = byte();
          diff = (diff | (b >>> -k)) >>> 0;
          b &= (1 << nbits) - 1;
        } else b = 0;
        const d = (diff & 1) === 0 ? diff >>> 1 : ~(diff >>> 1);
        lastpix = wrapPixel(d + lastpix, bytepix);
        out[i] = lastpix;
      }
    } else {
      if (fs > fsmax) throw new DataError(`${where}: RICE_1 split parameter ${fs} is out of range`);
      for (; i < imax; i++) {
        while (b === 0) {
          if (pos > end) break;
          nbits += 8;
          b = byte();
        }
        const nzero = nbits - (32 - Math.clz32(b));
        nbits -= nzero + 1;
        b ^= 1 << nbits;
        nbits -= fs;
        while (nbits < 0) {
          b = ((b << 8) | byte()) >>> 0;
          nbits += 8;
        }
        const diff = ((nzero << fs) | (b >>> nbits)) >>> 0;
        b = (b & ((1 << nbits) - 1)) >>> 0;
        const d = (diff & 1) === 0 ? diff >>> 1 : ~(diff >>> 1);
        lastpix = wrapPixel(d + lastpix, bytepix);
        out[i] = lastpix;
      }
    }
    if (pos > end) throw new DataError(`${where}: RICE_1 tile ends early (${input.length} bytes)`);
  }
  return out;
}

/** Wraps a sum to the pixel type as C does (unsigned char, short, int). */
function wrapPixel(v: number, bytepix: number): number {
  return bytepix === 4 ? v | 0 : bytepix === 2 ? (v << 16) >> 16 : v & 0xff;
}

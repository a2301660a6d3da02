import { fstatSync, readSync } from 'node:fs';
import { DataError } from '../errors.js';
import {
  BLOCK,
  CARD,
  COMMENTARY,
  fromBigEndian,
  intKey,
  readFits,
  readHeader,
  scale,
  type FitsCard,
  type FitsData,
  type FitsHdu,
  type FitsValue,
} from './fits.js';
import { decompressHdu, isCompressedHdu } from './fits-compressed.js';
import { withReadFd } from './read-fd.js';

/**
 * FITS images as lensfind's cutouts: float32, rows top first (FITS stores the bottom row first; lensfind keeps row
 * 0 at the top, see src/sim/raster.ts), tile-compressed HDUs decompressed, and band extensions (IMAGE HDUs with a
 * FILTER keyword and one shape, as `lensfind simulate --format fits` writes) stacked into `[bands, H, W]`
 * (`[N, bands, H, W]` for a shard of `[N, H, W]` band images).
 */
export interface FitsImage {
  data: Float32Array;
  /** NumPy order. */
  shape: number[];
  /** The header of the (first) image HDU. */
  header: Record<string, FitsValue>;
  /** The FILTER of each band extension, when the image was stacked from them. */
  bands?: string[];
}

const toFloat32 = (d: FitsData): Float32Array =>
  d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number | bigint>, Number);

/** Reverses the rows (the second-last axis) of every plane, in place: FITS order <-> lensfind order. */
export function flipRows(data: Float32Array, shape: readonly number[]): Float32Array {
  if (shape.length < 2) return data;
  const w = shape[shape.length - 1];
  const h = shape[shape.length - 2];
  const tmp = new Float32Array(w);
  for (let p = 0; p < data.length; p += h * w) {
    for (let r = 0; r < h >> 1; r++) {
      const a = p + r * w;
      const b = p + (h - 1 - r) * w;
      tmp.set(data.subarray(a, a + w));
      data.copyWithin(a, b, b + w);
      data.set(tmp, b);
    }
  }
  return data;
}

interface Candidate {
  index: number;
  header: Record<string, FitsValue>;
  shape: number[];
}

/**
 * The HDUs that make the image: band extensions (consecutive HDUs with FILTER and the same shape, from the first
 * image) or the first image HDU alone. `hdu` picks one HDU.
 */
function chooseHdus(images: readonly Candidate[], hdu: number | undefined): Candidate[] {
  if (hdu !== undefined) return images.filter((c) => c.index === hdu);
  const first = images[0];
  if (!first || first.header.FILTER === undefined) return first ? [first] : [];
  const bands = [first];
  for (const c of images.slice(1)) {
    if (c.index !== bands[bands.length - 1].index + 1) break;
    if (c.header.FILTER === undefined || c.shape.join() !== first.shape.join()) break;
    bands.push(c);
  }
  return bands;
}

/** Interleaves band images `[N, H, W]` (or `[H, W]`) into `[N, bands, H, W]` (or `[bands, H, W]`). */
function stackBands(
  planes: readonly Float32Array[],
  shape: readonly number[],
): { data: Float32Array; shape: number[] } {
  if (planes.length === 1) return { data: planes[0], shape: [...shape] };
  const hw = shape.slice(-2);
  const per = hw[0] * hw[1];
  const n = shape.length === 3 ? shape[0] : 1;
  const out = new Float32Array(planes.length * planes[0].length);
  for (let i = 0; i < n; i++)
    planes.forEach((p, b) => out.set(p.subarray(i * per, (i + 1) * per), (i * planes.length + b) * per));
  return { data: out, shape: shape.length === 3 ? [n, planes.length, ...hw] : [planes.length, ...hw] };
}

/** The HDUs of a file with compressed ones decompressed (as astropy's CompImageHDU shows them). */
export function readFitsImages(file: string | Uint8Array): FitsHdu[] {
  const source = typeof file === 'string' ? file : '<buffer>';
  return readFits(file).map((h) => (isCompressedHdu(h) ? decompressHdu(h, source) : h));
}

/** The cutout image of a FITS file (see FitsImage), as float32 with rows top first. */
export function readFitsImage(file: string | Uint8Array, hdu?: number): FitsImage {
  const source = typeof file === 'string' ? file : '<buffer>';
  const hdus = readFitsImages(file);
  const chosen = chooseHdus(
    hdus.filter((h) => h.data !== null),
    hdu,
  );
  if (chosen.length === 0) {
    throw new DataError(
      `${source}: no image data${hdu !== undefined ? ` in HDU ${hdu}` : ' in any HDU'}` +
        (hdus.some((h) => h.kind === 'BINTABLE') && hdu === undefined ? ' (only tables)' : ''),
      source,
    );
  }
  const planes = chosen.map((c) => flipRows(Float32Array.from(toFloat32(hdus[c.index].data!)), c.shape));
  const { data, shape } = stackBands(planes, chosen[0].shape);
  const bands =
    chosen.length > 1 || chosen[0].header.FILTER !== undefined
      ? chosen.map((c) => String(c.header.FILTER))
      : undefined;
  return { data, shape, header: chosen[0].header, bands };
}

interface ScannedHdu extends Candidate {
  dataStart: number;
  bitpix: number;
  image: boolean;
  compressed: boolean;
}

/** Every HDU's header and data offset, reading only the header blocks. */
function scanHeaders(fd: number, file: string): ScannedHdu[] {
  const size = fstatSync(fd).size;
  const out: ScannedHdu[] = [];
  let offset = 0;
  while (offset + CARD <= size) {
    let head = Buffer.alloc(0);
    let parsed: { cards: FitsCard[]; dataStart: number } | null = null;
    while (!parsed) {
      const block = Buffer.alloc(BLOCK);
      const got = readSync(fd, block, 0, BLOCK, offset + head.length);
      if (got === 0) readHeader(head, 0, file); // throws: no END card
      head = Buffer.concat([head, block.subarray(0, got)]);
      const start = head.toString('latin1', 0, Math.min(9, head.length));
      if (out.length === 0 && head.length >= 9 && start !== 'SIMPLE  =') {
        throw new DataError(`${file}: not a FITS file (it does not start with the SIMPLE keyword)`, file);
      }
      if (out.length > 0 && !start.startsWith('XTENSION')) return out;
      for (let p = 0; p + CARD <= head.length && !parsed; p += CARD)
        if (head.toString('latin1', p, p + CARD) === 'END'.padEnd(CARD)) parsed = readHeader(head, 0, file);
    }
    const header: Record<string, FitsValue> = {};
    for (const c of parsed.cards) if (!COMMENTARY.has(c.key)) header[c.key] = c.value;
    const index = out.length;
    const bitpix = intKey(header, 'BITPIX', file, index);
    const naxis = intKey(header, 'NAXIS', file, index);
    const axes: number[] = [];
    for (let k = 1; k <= naxis; k++) axes.push(intKey(header, `NAXIS${k}`, file, index));
    const count = naxis === 0 ? 0 : axes.reduce((a, b) => a * b, 1);
    const bytes =
      (Math.abs(bitpix) / 8) *
      intKey(header, 'GCOUNT', file, index, 1) *
      (intKey(header, 'PCOUNT', file, index, 0) + count);
    const kind = index === 0 ? 'PRIMARY' : String(header.XTENSION ?? '').trim();
    const image = (kind === 'PRIMARY' || kind === 'IMAGE') && count > 0;
    const compressed = kind === 'BINTABLE' && header.ZIMAGE === true;
    out.push({
      index,
      header,
      shape: axes.reverse(),
      dataStart: offset + parsed.dataStart,
      bitpix,
      image,
      compressed,
    });
    offset += parsed.dataStart + Math.ceil(bytes / BLOCK) * BLOCK;
  }
  return out;
}

/**
 * Item `index` of the first axis of a stacked image (`[N, bands, H, W]` in one HDU, or band extensions of
 * `[N, H, W]`), rows top first. Uncompressed images are read by offset (only the headers and that item's bytes),
 * so a shard of thousands of cutouts is never loaded whole; of tile-compressed ones only the tiles that hold the item
 * are decompressed.
 */
export function readFitsSlice(file: string, index: number): { data: Float32Array; shape: number[] } {
  const scanned = withReadFd(file, (fd) => scanHeaders(fd, file));
  if (scanned.some((h) => h.compressed)) return readCompressedSlice(file, index);
  const chosen = chooseHdus(
    scanned.filter((h) => h.image),
    undefined,
  ) as ScannedHdu[];
  if (chosen.length === 0) throw new DataError(`${file}: no image data in any HDU`, file);
  const shape = chosen[0].shape;
  const minAxes = chosen.length > 1 ? 3 : 2;
  if (shape.length < minAxes || !Number.isInteger(index) || index < 0 || index >= shape[0]) {
    throw new DataError(
      `${file}: index #${index} is out of range for an image of shape [${shape.join(', ')}]`,
      file,
    );
  }
  const item = shape.slice(1);
  const planes = withReadFd(file, (fd) => {
    const size = fstatSync(fd).size;
    return chosen.map((h) => {
      const bytes = item.reduce((a, b) => a * b, 1) * (Math.abs(h.bitpix) / 8);
      const offset = h.dataStart + index * bytes;
      if (offset + bytes > size) {
        throw new DataError(
          `${file}: truncated FITS file: item #${index} needs bytes ${offset}-${offset + bytes}, the file has ${size}`,
          file,
        );
      }
      const buf = Buffer.alloc(bytes);
      readSync(fd, buf, 0, bytes, offset);
      return flipRows(
        Float32Array.from(toFloat32(scale(fromBigEndian(buf, h.bitpix), h.bitpix, h.header))),
        item,
      );
    });
  });
  return stackBands(planes, item);
}

/**
 * readFitsSlice for a file with tile-compressed HDUs: item `index` of the first NumPy axis of each image HDU, from
 * only the tiles that hold it (`stats.tiles` counts them).
 */
export function readCompressedSlice(
  file: string,
  index: number,
  stats?: { tiles: number },
): { data: Float32Array; shape: number[] } {
  const hdus = readFits(file);
  const candidates: Candidate[] = [];
  for (const h of hdus) {
    if (isCompressedHdu(h)) {
      const naxis = Number(h.header.ZNAXIS);
      const shape = Array.from({ length: naxis }, (_, k) => Number(h.header[`ZNAXIS${naxis - k}`]));
      candidates.push({ index: h.index, header: h.header, shape });
    } else if (h.data !== null) candidates.push({ index: h.index, header: h.header, shape: h.shape });
  }
  const chosen = chooseHdus(candidates, undefined);
  if (chosen.length === 0) throw new DataError(`${file}: no image data in any HDU`, file);
  const shape = chosen[0].shape;
  if (shape.length < 3 || !Number.isInteger(index) || index < 0 || index >= shape[0]) {
    throw new DataError(
      `${file}: index #${index} is out of range for an image of shape [${shape.join(', ')}]`,
      file,
    );
  }
  const item = shape.slice(1);
  const per = item.reduce((a, b) => a * b, 1);
  const planes = chosen.map((c) => {
    const h = hdus[c.index];
    const data = isCompressedHdu(h)
      ? decompressHdu(h, file, index, stats).data!
      : h.data!.subarray(index * per, (index + 1) * per);
    return flipRows(Float32Array.from(toFloat32(data)), item);
  });
  return stackBands(planes, item);
}

import { gunzipSync } from 'node:zlib';
import { DataError } from '../errors.js';
import { fromBigEndian, scale, type FitsData, type FitsHdu, type FitsValue } from './fits.js';
import { decodeBinTable, heapCell, scalarCell, type BinTable, type TableColumn } from './fits-table.js';
import { riceDecode } from './fits-rice.js';
import { hDecompress } from './fits-hcompress.js';
import { unquantize } from './fits-unquantize.js';

/**
 * Tile-compressed FITS images (the tiled image convention: a BINTABLE with ZIMAGE = T, one row per tile; astropy's
 * CompImageHDU, `fpack`'s .fits.fz): RICE_1, GZIP_1, GZIP_2, HCOMPRESS_1 and NOCOMPRESS tiles, integer images and
 * floats quantised with NO_DITHER, SUBTRACTIVE_DITHER_1 or _2 (cfitsio's random sequence, seeded by ZDITHER0) or
 * stored losslessly (GZIP_COMPRESSED_DATA). PLIO_1 tiles are refused with how to decompress them.
 */

export function isCompressedHdu(h: FitsHdu): boolean {
  return h.kind === 'BINTABLE' && h.header.ZIMAGE === true;
}

function zParam(header: Record<string, FitsValue>, name: string): number | undefined {
  for (let i = 1; i < 100 && header[`ZNAME${i}`] !== undefined; i++) {
    if (String(header[`ZNAME${i}`]).toUpperCase() === name) return Number(header[`ZVAL${i}`]);
  }
  return undefined;
}

/** Unshuffles GZIP_2 bytes: all most significant bytes first, then the next, ... */
function unshuffle(bytes: Uint8Array, size: number): Uint8Array {
  const n = bytes.length / size;
  const out = new Uint8Array(bytes.length);
  for (let k = 0; k < size; k++) for (let i = 0; i < n; i++) out[i * size + k] = bytes[k * n + i];
  return out;
}

/**
 * The decompressed image HDU of a compressed BINTABLE HDU. With `item`, only item `item` of the last FITS axis (the
 * first NumPy axis: a cutout of a stack) is decompressed, from the tiles that hold it; the HDU then has one axis
 * fewer. `stats.tiles` counts the tiles decoded.
 */
export function decompressHdu(h: FitsHdu, source: string, item?: number, stats?: { tiles: number }): FitsHdu {
  const where = `${source}: HDU ${h.index}`;
  const hd = h.header;
  const algo = String(hd.ZCMPTYPE ?? '').trim();
  if (algo === 'PLIO_1') {
    throw new DataError(
      `${where}: ${algo} tile compression is not supported; decompress the file first with ` +
        `\`funpack ${source.replace(/\.fz$/, '')}\` (cfitsio) or astropy: ` +
        `fits.open(f)[${h.index}].data written with fits.ImageHDU(data, header).writeto(...)`,
      source,
    );
  }
  if (!['RICE_1', 'GZIP_1', 'GZIP_2', 'NOCOMPRESS', 'HCOMPRESS_1'].includes(algo)) {
    throw new DataError(`${where}: ZCMPTYPE '${algo}' is not a known tile compression`, source);
  }
  const zbitpix = Number(hd.ZBITPIX);
  const naxis = Number(hd.ZNAXIS);
  const axes = Array.from({ length: naxis }, (_, k) => Number(hd[`ZNAXIS${k + 1}`]));
  const tile = axes.map((n, k) => Number(hd[`ZTILE${k + 1}`] ?? (k === 0 ? n : 1)));
  if (
    ![8, 16, 32, 64, -32, -64].includes(zbitpix) ||
    axes.some((n) => !(n >= 0)) ||
    tile.some((n) => !(n >= 1))
  ) {
    throw new DataError(`${where}: invalid ZBITPIX, ZNAXISn or ZTILEn keywords`, source);
  }
  const table = decodeBinTable(hd, h.raw ?? new Uint8Array(0), where);
  const col = (name: string) => table.columns.find((c) => c.name.toUpperCase() === name);
  const data = col('COMPRESSED_DATA');
  const gzipData = col('GZIP_COMPRESSED_DATA');
  const rawData = col('UNCOMPRESSED_DATA');
  const zscale = col('ZSCALE');
  const zzero = col('ZZERO');
  const zblank = col('ZBLANK');
  const isFloat = zbitpix < 0;
  // Floats are quantised when tiles carry a scale; ZQUANTIZ says how (NO_DITHER when absent, as cfitsio).
  const quantised = isFloat && (zscale !== undefined || hd.ZSCALE !== undefined);
  const quantiz = quantised ? String(hd.ZQUANTIZ ?? 'NO_DITHER').trim() : 'NONE';
  const dither0 = Number(hd.ZDITHER0 ?? 1);
  const last = naxis - 1;
  if (item !== undefined && (naxis < 2 || !Number.isInteger(item) || item < 0 || item >= axes[last])) {
    throw new DataError(
      `${source}: index #${item} is out of range for an image of shape [${axes.slice().reverse().join(', ')}]`,
      source,
    );
  }
  // The output region: the whole image, or one item of the last axis.
  const outAxes = item === undefined ? axes : axes.slice(0, last);
  const origin = axes.map((_, k) => (k === last && item !== undefined ? item : 0));
  const total = outAxes.reduce((a, b) => a * b, 1);
  const out = new Float64Array(total);
  const tilesPer = axes.map((n, k) => Math.ceil(n / tile[k]));
  const nTiles = tilesPer.reduce((a, b) => a * b, 1);
  if (nTiles !== table.rows) {
    throw new DataError(
      `${where}: ${table.rows} tiles in the table, the ZTILEn keywords make ${nTiles}`,
      source,
    );
  }
  const num = (c: TableColumn | undefined, row: number): number | undefined =>
    c ? (c.varying ? undefined : Number(scalarCell(table, row, c))) : undefined;
  for (let t = 0; t < nTiles; t++) {
    // This tile's start and extent along each axis (axis 1 fastest).
    const start: number[] = [];
    const len: number[] = [];
    let rest = t;
    for (let k = 0; k < naxis; k++) {
      const i = rest % tilesPer[k];
      rest = Math.floor(rest / tilesPer[k]);
      start.push(i * tile[k]);
      len.push(Math.min(tile[k], axes[k] - i * tile[k]));
    }
    if (item !== undefined && (item < start[last] || item >= start[last] + len[last])) continue;
    if (stats) stats.tiles++;
    const count = len.reduce((a, b) => a * b, 1);
    const values = decodeTile(
      table,
      t,
      { data, gzipData, rawData },
      algo,
      zbitpix,
      quantised,
      len,
      hd,
      where,
      source,
    );
    let pixels: Float64Array;
    if (values.float) pixels = values.values;
    else if (isFloat && quantiz !== 'NONE') {
      const sc = num(zscale, t) ?? Number(hd.ZSCALE ?? 1);
      const zr = num(zzero, t) ?? Number(hd.ZZERO ?? 0);
      const blank = num(zblank, t) ?? (typeof hd.ZBLANK === 'number' ? hd.ZBLANK : undefined);
      pixels = unquantize(values.values, sc, zr, blank, quantiz, t + 1 + dither0 - 1, where);
    } else {
      pixels = values.values;
      const blank = num(zblank, t) ?? (typeof hd.ZBLANK === 'number' ? hd.ZBLANK : undefined);
      if (isFloat && blank !== undefined)
        for (let i = 0; i < count; i++) if (pixels[i] === blank) pixels[i] = NaN;
    }
    placeTile(out, pixels, outAxes, start, len, origin);
  }
  const header: Record<string, FitsValue> = { ...hd, BITPIX: zbitpix, NAXIS: outAxes.length };
  outAxes.forEach((n, k) => (header[`NAXIS${k + 1}`] = n));
  let typed: FitsData;
  if (zbitpix === -32) typed = Float32Array.from(out);
  else if (zbitpix === -64) typed = out;
  else {
    const bytes = new Uint8Array(total * (zbitpix / 8));
    const view = new DataView(bytes.buffer);
    // Values past the type's range (lossy HCOMPRESS near its limits) saturate, as cfitsio's conversions do.
    const sat = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    for (let i = 0; i < total; i++) {
      if (zbitpix === 8) view.setUint8(i, sat(out[i], 0, 255));
      else if (zbitpix === 16) view.setInt16(i * 2, sat(out[i], -32768, 32767));
      else if (zbitpix === 32) view.setInt32(i * 4, sat(out[i], -2147483648, 2147483647));
      else view.setBigInt64(i * 8, BigInt(out[i]));
    }
    typed = scale(fromBigEndian(bytes, zbitpix), zbitpix, header);
  }
  return {
    ...h,
    kind: hd.ZSIMPLE === true ? 'PRIMARY' : 'IMAGE',
    header,
    bitpix: zbitpix,
    shape: outAxes.slice().reverse(),
    data: typed,
    raw: undefined,
  };
}

interface TileColumns {
  data?: TableColumn;
  gzipData?: TableColumn;
  rawData?: TableColumn;
}

/** One tile's pixels: integers (to be scaled or quantised back) or floats stored losslessly. */
function decodeTile(
  table: BinTable,
  row: number,
  cols: TileColumns,
  algo: string,
  zbitpix: number,
  quantised: boolean,
  len: number[],
  hd: Record<string, FitsValue>,
  where: string,
  source: string,
): { values: Float64Array; float: boolean } {
  const at = `${where}: tile ${row + 1}`;
  const count = len.reduce((a, b) => a * b, 1);
  const cell = cols.data ? heapCell(table, row, cols.data, at) : new Uint8Array(0);
  if (cell.length === 0) {
    // A float tile that could not be quantised is gzipped whole; UNCOMPRESSED_DATA holds raw pixels.
    const col = cols.gzipData ?? cols.rawData;
    if (!col) throw new DataError(`${at}: empty COMPRESSED_DATA and no other data column`, source);
    let bytes = heapCell(table, row, col, at);
    if (col === cols.gzipData) bytes = gunzipSync(bytes);
    const size = Math.abs(zbitpix) / 8;
    return {
      values: Float64Array.from(
        fromBigEndian(bytes.subarray(0, count * size), zbitpix) as ArrayLike<number>,
        Number,
      ),
      float: zbitpix < 0,
    };
  }
  // Quantised floats are stored as 32-bit integers; integer images and unquantised floats as their own type.
  const size = quantised ? 4 : Math.abs(zbitpix) / 8;
  const stored = quantised ? 32 : zbitpix;
  if (algo === 'RICE_1') {
    const bytepix = zParam(hd, 'BYTEPIX') ?? Math.min(size, 4);
    return {
      values: Float64Array.from(riceDecode(cell, count, zParam(hd, 'BLOCKSIZE') ?? 32, bytepix, at)),
      float: false,
    };
  }
  if (algo === 'HCOMPRESS_1') {
    // 2-D tiles; the stream's ny is the tile's first axis. SMOOTH (ZVAL2) asks for smoothing while decoding.
    const { pixels, nx, ny } = hDecompress(cell, (zParam(hd, 'SMOOTH') ?? 0) !== 0, at);
    const [w, h] = [len[0], count / len[0]];
    if (ny !== w || nx !== h) {
      throw new DataError(
        `${at}: HCOMPRESS_1 tile is ${ny} x ${nx}, the ZTILEn keywords make ${w} x ${h}`,
        source,
      );
    }
    return { values: pixels, float: false };
  }
  let bytes: Uint8Array = cell;
  if (algo !== 'NOCOMPRESS') {
    try {
      bytes = gunzipSync(cell);
    } catch (err) {
      throw new DataError(`${at}: ${algo} data do not decompress (${(err as Error).message})`, source);
    }
  }
  if (algo === 'GZIP_2') bytes = unshuffle(bytes.subarray(0, count * size), size);
  if (bytes.length < count * size)
    throw new DataError(`${at}: ${bytes.length} bytes, ${count * size} expected`, source);
  const pixels = fromBigEndian(bytes.subarray(0, count * size), stored);
  return { values: Float64Array.from(pixels as ArrayLike<number | bigint>, Number), float: stored < 0 };
}

/**
 * Copies a tile (axis 1 fastest, at `start` in the image) into `out`, the region of the image of size `outAxes`
 * from `origin`; axes past outAxes.length are fixed at their origin, and the tile's pixels off it are left out.
 */
function placeTile(
  out: Float64Array,
  tile: Float64Array,
  outAxes: number[],
  start: number[],
  len: number[],
  origin: number[],
): void {
  const n = start.length;
  const region = outAxes;
  const idx = new Array<number>(n).fill(0);
  for (let i = 0; i < tile.length; i++) {
    let at = 0;
    let inside = true;
    for (let k = n - 1; k >= 0; k--) {
      const g = start[k] + idx[k] - origin[k];
      if (k >= region.length) inside &&= g === 0;
      else at = at * region[k] + g;
    }
    if (inside) out[at] = tile[i];
    for (let k = 0; k < n; k++) {
      if (++idx[k] < len[k]) break;
      idx[k] = 0;
    }
  }
}

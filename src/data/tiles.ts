import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';
import { BLOCK, readHeader, type FitsValue } from '../io/fits.js';
import { parseWcs, type Wcs } from '../io/wcs.js';
import type { DatasetItem, StampRegion, TilePixels } from './types.js';

/**
 * Cutouts from survey tiles: one FITS image per band and tile (`tiles/{tile}_{band}.fits`, or one `tile_{band}.fits`),
 * a TAN(-SIP) WCS each, and a catalogue of RA/Dec. Only headers are read up front; a stamp's pixels are read row by
 * row when it is scored (readStamp), so no tile is ever held in memory.
 */
export interface Tile extends TilePixels {
  /** The tile's name: what `*` matched in the pattern, or the pattern. */
  name: string;
  wcs: Wcs;
}

function readFitsHeader(file: string): { header: Record<string, FitsValue>; dataStart: number } {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    for (let pos = 0; ; pos += BLOCK) {
      const block = Buffer.alloc(BLOCK);
      if (readSync(fd, block, 0, BLOCK, pos) < BLOCK) {
        throw new DataError(`${file}: truncated FITS file: no END card in its primary header`, file);
      }
      chunks.push(block);
      const text = block.toString('latin1');
      let end = false;
      for (let c = 0; c < BLOCK; c += 80) end ||= /^END {77}$/.test(text.slice(c, c + 80));
      if (end) break;
    }
    const { cards, dataStart } = readHeader(Buffer.concat(chunks), 0, file);
    const header: Record<string, FitsValue> = {};
    for (const c of cards) header[c.key] = c.value;
    return { header, dataStart };
  } finally {
    closeSync(fd);
  }
}

/** Opens the tiles of `pattern` (`{band}` replaced by each band; a `*` in the file name matches the tile names). */
export function openTiles(pattern: string, bands: readonly string[]): Tile[] {
  if (!pattern.includes('{band}')) {
    throw new DataError(
      `--tiles ${pattern}: expected {band} in the pattern, e.g. 'tile_{band}.fits'`,
      pattern,
    );
  }
  if (bands.length === 0)
    throw new DataError(`--tiles ${pattern}: give the bands in order, e.g. --bands g,r,i`, pattern);
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  let names = [''];
  if (base.includes('*')) {
    const esc = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    const first = base.replace('{band}', bands[0]);
    const re = new RegExp(`^${first.split('*').map(esc).join('(.+)')}$`);
    names = readdirSync(dir)
      .map((f) => re.exec(f)?.[1])
      .filter((m): m is string => m !== undefined)
      .sort();
    if (names.length === 0)
      throw new DataError(`--tiles ${pattern}: no file matches ${path.join(dir, first)}`, pattern);
  }
  return names.map((name) => {
    const files = bands.map((b) => path.join(dir, base.replace('{band}', b).replace('*', name)));
    const heads = files.map((f) => {
      try {
        return readFitsHeader(f);
      } catch (err) {
        if (err instanceof DataError) throw err;
        throw new DataError(`${f}: cannot read the tile: ${(err as Error).message}`, f);
      }
    });
    const h0 = heads[0].header;
    heads.forEach(({ header }, b) => {
      if (header.NAXIS !== 2) {
        throw new DataError(
          `${files[b]}: NAXIS is ${String(header.NAXIS)}: a tile must be a 2-D image`,
          files[b],
        );
      }
      for (const k of [
        'NAXIS1',
        'NAXIS2',
        'CRPIX1',
        'CRPIX2',
        'CRVAL1',
        'CRVAL2',
        'CD1_1',
        'CD2_2',
        'CDELT1',
        'CDELT2',
      ]) {
        if (header[k] !== h0[k]) {
          throw new DataError(
            `${files[b]}: ${k} is ${String(header[k])} but ${String(h0[k])} in ${files[0]}: ` +
              "a tile's bands must share one pixel grid",
            files[b],
          );
        }
      }
    });
    return {
      name: name || path.basename(pattern),
      wcs: parseWcs(h0, files[0]),
      files,
      dataStart: heads.map((h) => h.dataStart),
      bitpix: heads.map((h) => Number(h.header.BITPIX)),
      bscale: heads.map((h) => Number(h.header.BSCALE ?? 1)),
      bzero: heads.map((h) => Number(h.header.BZERO ?? 0)),
      naxis1: Number(h0.NAXIS1),
      naxis2: Number(h0.NAXIS2),
    };
  });
}

/**
 * The stamp of `height` x `width` pixels around (ra, dec) in the tile that holds most of it (the object farthest
 * inside), placed as astropy's Cutout2D places it: x0 = ceil(x - width / 2). `edge` when part of it lies
 * outside the tile (those pixels are 0); null when no tile overlaps it.
 */
export function placeStamp(
  tiles: readonly Tile[],
  ra: number,
  dec: number,
  height: number,
  width: number,
): { tile: Tile; region: StampRegion; edge: boolean; x: number; y: number } | null {
  let best: ReturnType<typeof placeStamp> = null;
  let bestInside = -Infinity;
  for (const tile of tiles) {
    const [x, y] = tile.wcs.worldToPixel(ra, dec);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const x0 = Math.ceil(x - width / 2);
    const y0 = Math.ceil(y - height / 2);
    if (x0 + width <= 0 || y0 + height <= 0 || x0 >= tile.naxis1 || y0 >= tile.naxis2) continue;
    const inside = Math.min(x + 0.5, y + 0.5, tile.naxis1 - 0.5 - x, tile.naxis2 - 0.5 - y);
    if (inside <= bestInside) continue;
    bestInside = inside;
    const edge = x0 < 0 || y0 < 0 || x0 + width > tile.naxis1 || y0 + height > tile.naxis2;
    const { files, dataStart, bitpix, bscale, bzero, naxis1, naxis2 } = tile;
    const region = { files, dataStart, bitpix, bscale, bzero, naxis1, naxis2, x0, y0, width, height };
    best = { tile, region, edge, x, y };
  }
  return best;
}

const READ: Record<number, (v: DataView, o: number) => number> = {
  8: (v, o) => v.getUint8(o),
  16: (v, o) => v.getInt16(o),
  32: (v, o) => v.getInt32(o),
  [-32]: (v, o) => v.getFloat32(o),
  [-64]: (v, o) => v.getFloat64(o),
};

/**
 * The stamp's pixels as float32 [bands, height, width] with row 0 at the TOP (lensfind's cutout order: FITS rows
 * run bottom to top, so stamp row r is tile row y0 + height - 1 - r). Pixels outside the tile and NaNs are 0.
 */
export function readStamp(s: StampRegion): Float32Array {
  const { width: w, height: h } = s;
  const out = new Float32Array(s.files.length * h * w);
  const xa = Math.max(0, s.x0);
  const xb = Math.min(s.naxis1, s.x0 + w);
  s.files.forEach((file, b) => {
    const read = READ[s.bitpix[b]];
    if (!read) throw new DataError(`${file}: BITPIX ${s.bitpix[b]} is not a FITS image type`, file);
    const size = Math.abs(s.bitpix[b]) / 8;
    const row = Buffer.alloc(Math.max(0, xb - xa) * size);
    const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
    const fd = openSync(file, 'r');
    try {
      for (let r = 0; r < h && xb > xa; r++) {
        const y = s.y0 + h - 1 - r;
        if (y < 0 || y >= s.naxis2) continue;
        const offset = s.dataStart[b] + (y * s.naxis1 + xa) * size;
        if (readSync(fd, row, 0, row.length, offset) < row.length) {
          throw new DataError(`${file}: truncated: row ${y} of the tile is missing`, file);
        }
        const base = b * h * w + r * w + (xa - s.x0);
        for (let i = 0; i < xb - xa; i++) {
          const v = read(view, i * size) * s.bscale[b] + s.bzero[b];
          out[base + i] = Number.isFinite(v) ? v : 0;
        }
      }
    } finally {
      closeSync(fd);
    }
  });
  return out;
}

/** Items for the objects of a catalogue: stamps placed in the tiles; objects outside every tile are returned apart. */
export function tileItems(
  tiles: readonly Tile[],
  objects: readonly Record<string, string | number>[],
  opts: { height: number; width: number; source: string },
): { items: DatasetItem[]; outside: { source: string; reason: string }[] } {
  const items: DatasetItem[] = [];
  const outside: { source: string; reason: string }[] = [];
  const key = (o: Record<string, string | number>, names: string[]) =>
    Object.keys(o).find((k) => names.includes(k.toLowerCase()));
  objects.forEach((o, i) => {
    const raKey = key(o, ['ra', 'ra_deg', 'alpha_j2000']);
    const decKey = key(o, ['dec', 'dec_deg', 'delta_j2000']);
    const ra = Number(raKey === undefined ? NaN : o[raKey]);
    const dec = Number(decKey === undefined ? NaN : o[decKey]);
    if (!Number.isFinite(ra) || !Number.isFinite(dec) || Math.abs(dec) > 90) {
      throw new DataError(
        `${opts.source}: row ${i + 1}: expected numeric ra and dec columns in degrees, found ra=${String(raKey && o[raKey])}, dec=${String(decKey && o[decKey])}`,
        opts.source,
      );
    }
    const idKey = key(o, ['id', 'object_id', 'objid']);
    const id = idKey !== undefined ? String(o[idKey]) : `row${i}`;
    const placed = placeStamp(tiles, ra, dec, opts.height, opts.width);
    if (!placed) {
      outside.push({
        source: `${opts.source}#${id}`,
        reason: `${opts.source}: object ${id} (ra ${ra}, dec ${dec}) is outside every tile`,
      });
      return;
    }
    const meta: Record<string, string | number> = { ...o, tile: placed.tile.name, edge: placed.edge ? 1 : 0 };
    if (idKey !== undefined) delete meta[idKey];
    items.push({ id, label: NaN, source: { file: placed.tile.files[0], stamp: placed.region }, meta });
  });
  return { items, outside };
}

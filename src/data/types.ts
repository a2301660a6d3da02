/** What every reader returns: a list of labelled cutouts, loaded lazily as float32 [bands, H, W]. */
import type { DataFormat } from './readers/registry.js';

/** A registered reader's name (readers/registry.ts). */
export type { DataFormat };
export type Split = 'train' | 'val' | 'test';

/** Where one cutout's pixels are: a file, optionally an index into an [N, ...] stack and a key in an .npz. */
export interface ItemSource {
  file: string;
  index?: number;
  key?: string;
  /** A stamp cut from survey tiles (data/tiles.ts); `file` is then the first band's tile. */
  stamp?: StampRegion;
}

/** Where a tile's pixels are, per band: the file, the byte where its data start, BITPIX, BSCALE, BZERO; its size. */
export interface TilePixels {
  files: string[];
  dataStart: number[];
  bitpix: number[];
  bscale: number[];
  bzero: number[];
  naxis1: number;
  naxis2: number;
}

/**
 * A stamp of survey tiles: per band the tile file, where its pixels start and how they are stored, and the
 * 0-based FITS pixel box [x0, x0 + width) x [y0, y0 + height) (y up, row 0 of the tile at the bottom).
 */
export interface StampRegion extends TilePixels {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

export interface DatasetItem {
  id: string;
  /** 1 = lens, 0 = not a lens. */
  label: number;
  split?: Split;
  source: ItemSource;
  /** Extra columns of the manifest (theta_E, magnitudes, seed, ...), numbers where they parse. */
  meta: Record<string, string | number>;
}

/** A file that could not be used, with the reason; the reader skips it and counts it. */
export interface SkippedItem {
  source: string;
  reason: string;
}

/** What a reader lists: the items, and the rows whose paths it refused to open (see PathGuard). */
export interface ReadResult {
  items: DatasetItem[];
  skipped: SkippedItem[];
}

/** Everything a worker thread needs to load items: plain data, structured-cloneable. */
export interface DatasetSpec {
  format: DataFormat;
  root: string;
  bands: number;
  height: number;
  width: number;
}

export interface Dataset extends DatasetSpec {
  /** [H, W] */
  size: [number, number];
  items: DatasetItem[];
  skipped: SkippedItem[];
  /** Pixels of item i as float32 [bands, H, W]; rejects with a DataError for a bad file. */
  load(i: number): Promise<Float32Array>;
}

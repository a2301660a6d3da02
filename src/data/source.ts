import { readSync, fstatSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { DataError } from '../errors.js';
import { readFitsImage, readFitsSlice } from '../io/fits-image.js';
import { readNpz } from '../io/npz.js';
import { readRegularFile, withReadFd } from '../io/read-fd.js';
import type { NpyArray } from '../io/npy.js';
import {
  elementsToFloat32,
  fortranToC,
  npyElement,
  parseNpyHeader,
  type NpyElement,
} from '../io/npy-layout.js';
import type { DatasetSpec, ItemSource } from './types.js';
import { readStamp } from './tiles.js';

/**
 * Loading one cutout from wherever it is stored: a whole .npy/.fits/.png file, one slice of an [N, ...] .npy shard
 * (read by offset, so a worker never holds a whole shard), or one slice of an .npz array (archives are cached).
 */
export interface RawImage {
  data: Float32Array;
  /** [bands, H, W] */
  shape: [number, number, number];
}

export interface NpyHeader {
  descr: string;
  element: NpyElement;
  /** Stored first-index-fastest: read whole and reordered (an item is not contiguous). */
  fortran: boolean;
  shape: number[];
  dataOffset: number;
}

/** Reads only the header of an .npy file. */
export function readNpyHeader(fd: number, file: string): NpyHeader {
  const head = Buffer.alloc(12);
  const n = readSync(fd, head, 0, 12, 0);
  if (n < 10 || head.readUInt32BE(0) !== 0x934e554d || head[4] !== 0x50 || head[5] !== 0x59) {
    throw new DataError(`${file}: not a NumPy .npy file (the magic string \\x93NUMPY is missing)`, file);
  }
  const major = head[6];
  const len = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const text = Buffer.alloc(len);
  readSync(fd, text, 0, len, start);
  const { descr, fortran, shape } = parseNpyHeader(text.toString('latin1'), file);
  return { descr, element: npyElement(descr, file), fortran, shape, dataOffset: start + len };
}

/** Reads an .npy file, or only item `index` of its first axis, as float32. */
export function readNpyFloat32(file: string, index?: number): { data: Float32Array; shape: number[] } {
  return withReadFd(file, (fd) => {
    const h = readNpyHeader(fd, file);
    const size = h.element.size;
    let shape = h.shape;
    let offset = h.dataOffset;
    if (h.fortran) return readFortranNpy(fd, file, h, index);
    if (index !== undefined) {
      if (shape.length < 2 || index < 0 || index >= shape[0] || !Number.isInteger(index)) {
        throw new DataError(
          `${file}: index #${index} is out of range for an array of shape [${shape.join(', ')}]`,
          file,
        );
      }
      shape = shape.slice(1);
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (index !== undefined) offset += index * count * size;
    const bytes = Buffer.alloc(count * size);
    const got = count === 0 ? 0 : readSync(fd, bytes, 0, bytes.length, offset);
    if (got < bytes.length) {
      const have = fstatSync(fd).size - h.dataOffset;
      throw new DataError(
        `${file}: truncated: shape [${h.shape.join(', ')}] needs ${h.shape.reduce((a, b) => a * b, 1) * size} bytes of data, the file has ${have}`,
        file,
      );
    }
    return { data: elementsToFloat32(bytes, h.element), shape };
  });
}

/** A Fortran-ordered .npy as float32 in C order, or item `index` of its first axis. */
function readFortranNpy(
  fd: number,
  file: string,
  h: NpyHeader,
  index: number | undefined,
): { data: Float32Array; shape: number[] } {
  const count = h.shape.reduce((a, b) => a * b, 1);
  if (
    index !== undefined &&
    (h.shape.length < 2 || index < 0 || index >= h.shape[0] || !Number.isInteger(index))
  ) {
    throw new DataError(
      `${file}: index #${index} is out of range for an array of shape [${h.shape.join(', ')}]`,
      file,
    );
  }
  const bytes = Buffer.alloc(count * h.element.size);
  const got = count === 0 ? 0 : readSync(fd, bytes, 0, bytes.length, h.dataOffset);
  if (got < bytes.length) {
    throw new DataError(
      `${file}: truncated: shape [${h.shape.join(', ')}] needs ${bytes.length} bytes of data, the file has ${Math.max(0, fstatSync(fd).size - h.dataOffset)}`,
      file,
    );
  }
  const c = fortranToC(elementsToFloat32(bytes, h.element), h.shape, (n) => new Float32Array(n));
  if (index === undefined) return { data: c, shape: h.shape };
  const per = count / h.shape[0];
  return { data: c.slice(index * per, (index + 1) * per), shape: h.shape.slice(1) };
}

// A few decompressed .npz archives per thread: stacks are read item by item.
const npzCache = new Map<string, Map<string, NpyArray>>();
export function cachedNpz(file: string): Map<string, NpyArray> {
  let m = npzCache.get(file);
  if (!m) {
    m = readNpz(file);
    npzCache.set(file, m);
    if (npzCache.size > 2) npzCache.delete(npzCache.keys().next().value!);
  }
  return m;
}

function npzSlice(
  file: string,
  key: string,
  index: number | undefined,
): { data: Float32Array; shape: number[] } {
  const arr = cachedNpz(file).get(key);
  if (!arr) throw new DataError(`${file}: no array named '${key}'`, file);
  const shape = index === undefined ? arr.shape : arr.shape.slice(1);
  const count = shape.reduce((a, b) => a * b, 1);
  if (index !== undefined && (index < 0 || index >= arr.shape[0])) {
    throw new DataError(
      `${file}: index #${index} is out of range for '${key}' of shape [${arr.shape.join(', ')}]`,
      file,
    );
  }
  const start = (index ?? 0) * count;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = Number(arr.data[start + i]);
  return { data: out, shape };
}

async function readPng(file: string): Promise<{ data: Float32Array; shape: number[] }> {
  let raw: { data: Buffer; info: sharp.OutputInfo };
  try {
    // Keep the stored depth (8 or 16 bit) and channel count; drop an alpha channel.
    // (sharp converts to sRGB unless told the colour space.)
    // sharp is given the bytes, not the path: only a regular file is read (see readRegularFile).
    const bytes = readRegularFile(file);
    const meta = await sharp(bytes).metadata();
    const deep = meta.depth === 'ushort';
    const gray = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0) === 1;
    const space = gray ? (deep ? 'grey16' : 'b-w') : deep ? 'rgb16' : 'srgb';
    const img = sharp(bytes).removeAlpha().toColourspace(space);
    raw = await (deep ? img.raw({ depth: 'ushort' }) : img.raw()).toBuffer({ resolveWithObject: true });
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`${file}: cannot decode the image: ${(err as Error).message}`, file);
  }
  const { width, height, channels } = raw.info;
  const deep = raw.data.length === width * height * channels * 2;
  const src = deep ? new Uint16Array(raw.data.buffer, raw.data.byteOffset, raw.data.length / 2) : raw.data;
  const plane = width * height;
  const out = new Float32Array(plane * channels);
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < channels; c++) out[c * plane + i] = src[i * channels + c];
  return { data: out, shape: [channels, height, width] };
}

/** Image files by extension, the one list every reader of loose files uses (predict's folders, npe's tables). */
const IMAGE_FILE_KINDS = {
  npy: 'npy',
  npz: 'npz',
  fits: 'fits',
  fit: 'fits',
  fts: 'fits',
  fz: 'fits',
  png: 'picture',
  jpg: 'picture',
  jpeg: 'picture',
  tif: 'picture',
  tiff: 'picture',
} as const;
export type ImageFileKind = (typeof IMAGE_FILE_KINDS)[keyof typeof IMAGE_FILE_KINDS];

/** An image file's name: the extension (with `.fits.fz` as one) is what `imageFileStem` removes. */
export const IMAGE_FILE = new RegExp(`\\.(fits\\.fz|${Object.keys(IMAGE_FILE_KINDS).join('|')})$`, 'i');

/** How `readSource` reads `file`, from its extension; undefined for any other file. */
export function imageFileKind(file: string): ImageFileKind | undefined {
  const ext = path.extname(file).slice(1).toLowerCase();
  return Object.hasOwn(IMAGE_FILE_KINDS, ext)
    ? IMAGE_FILE_KINDS[ext as keyof typeof IMAGE_FILE_KINDS]
    : undefined;
}

/** A file name without its image extension (`a.fits.fz` -> `a`). */
export function imageFileStem(name: string): string {
  return name.replace(IMAGE_FILE, '');
}

/** Reads a source as float32 [bands, H, W] (2-D images become one band), without checking its values. */
export async function readSource(src: ItemSource): Promise<RawImage> {
  if (src.stamp) {
    const s = src.stamp;
    return { data: readStamp(s), shape: [s.files.length, s.height, s.width] };
  }
  const kind = imageFileKind(src.file);
  let r: { data: Float32Array; shape: number[] };
  if (kind === 'npy') r = readNpyFloat32(src.file, src.index);
  else if (kind === 'npz') r = npzSlice(src.file, src.key ?? 'x', src.index);
  else if (kind === 'fits') {
    if (src.index !== undefined) r = readFitsSlice(src.file, src.index);
    else {
      const img = readFitsImage(src.file);
      r = { data: img.data, shape: img.shape };
    }
  } else if (kind === 'picture') r = await readPng(src.file);
  else
    throw new DataError(
      `${src.file}: unknown image file type '${path.extname(src.file)}' ` +
        '(expected .npy, .npz, .fits, .fits.fz, .png, .jpg or .tiff)',
      src.file,
    );
  const shape = r.shape.length === 2 ? [1, r.shape[0], r.shape[1]] : r.shape;
  if (shape.length !== 3) {
    throw new DataError(
      `${describe(src)}: wrong shape [${r.shape.join(', ')}]: expected [bands, H, W] or [H, W]`,
      src.file,
    );
  }
  return { data: r.data, shape: shape as [number, number, number] };
}

export function describe(src: ItemSource): string {
  if (src.stamp) {
    const { x0, y0, width, height } = src.stamp;
    return `${src.file}[x ${x0}:${x0 + width}, y ${y0}:${y0 + height}]`;
  }
  return `${src.file}${src.key ? `:${src.key}` : ''}${src.index !== undefined ? `#${src.index}` : ''}`;
}

/** Checks shape and finiteness; throws a DataError naming the source. */
export function checkImage(
  img: RawImage,
  src: ItemSource,
  expected?: Pick<DatasetSpec, 'bands' | 'height' | 'width'>,
): void {
  const [b, h, w] = img.shape;
  if (expected && (b !== expected.bands || h !== expected.height || w !== expected.width)) {
    throw new DataError(
      `${describe(src)}: wrong shape [${b}, ${h}, ${w}], expected [${expected.bands}, ${expected.height}, ${expected.width}] like the rest of the dataset`,
      src.file,
    );
  }
  const d = img.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new DataError(
        `${describe(src)}: non-finite value ${d[i]} at flat index ${i} (NaN or Inf)`,
        src.file,
      );
    }
  }
}

/** Loads and checks one item against the dataset's shape: what `Dataset.load` and the loader's workers run. */
export async function loadChecked(
  src: ItemSource,
  spec: Pick<DatasetSpec, 'bands' | 'height' | 'width'>,
): Promise<Float32Array> {
  const img = await readSource(src);
  checkImage(img, src, spec);
  return img.data;
}

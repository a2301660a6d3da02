import path from 'node:path';
import sharp from 'sharp';
import { PathGuard } from '../data/path-guard.js';
import { readSource, type RawImage } from '../data/source.js';
import { parsePathRef } from '../data/readers/common.js';
import type { ItemSource } from '../data/types.js';
import { colourComposite, type CompositeOptions } from '../plot/composite.js';
import { HttpError } from './http.js';

/**
 * A cutout reference as `predict` writes it (`/data/images/shard-0.npy#17`, `stack.npz:x#3`, `a.fits`), relative
 * paths against the catalogue's folder.
 */
export function parseCutoutRef(ref: string, folder: string): ItemSource {
  const { file, index } = parsePathRef(ref);
  const npz = /^(.*\.npz):([^/\\]+)$/i.exec(file);
  return {
    file: path.resolve(folder, npz ? npz[1] : file),
    ...(npz ? { key: npz[2] } : {}),
    ...(index !== undefined ? { index } : {}),
  };
}

export interface StretchQuery extends CompositeOptions {
  /** One band alone, in grey. */
  band?: number;
}

/**
 * Reads cutouts named by the catalogue and renders them as PNG colour composites. Every file goes through the
 * data readers' PathGuard: only regular files inside the catalogue's folder or the `images` folder the user named
 * are opened, also after symbolic links are resolved. Recently read cutouts stay in memory, so a new stretch or
 * band choice does not read the file again.
 */
export class CutoutImages {
  private readonly guard: PathGuard;
  private readonly cache = new Map<string, RawImage>();

  constructor(
    private readonly folder: string,
    imagesRoot?: string,
    private readonly cacheSize = 512,
  ) {
    this.guard = new PathGuard(folder, imagesRoot);
  }

  async read(ref: string): Promise<RawImage> {
    const hit = this.cache.get(ref);
    if (hit) {
      this.cache.delete(ref);
      this.cache.set(ref, hit);
      return hit;
    }
    const src = parseCutoutRef(ref, this.folder);
    const refusal = this.guard.check(src.file);
    if (refusal !== null) throw new HttpError(403, `cutout '${ref}': ${src.file} is ${refusal}`, 'E_PATH');
    let img: RawImage;
    try {
      img = await readSource(src);
    } catch (err) {
      throw new HttpError(404, `cutout '${ref}': ${(err as Error).message}`, 'E_DATA');
    }
    this.cache.set(ref, img);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return img;
  }

  /** The cutout as a PNG composite (or one band in grey), rows top-first as stored. */
  async png(ref: string, q: StretchQuery): Promise<Buffer> {
    const img = await this.read(ref);
    const nBands = img.shape[0];
    const check = (b: number) => {
      if (!(Number.isInteger(b) && b >= 0 && b < nBands))
        throw new HttpError(400, `cutout '${ref}': band ${b}; it has bands 0..${nBands - 1}`, 'E_QUERY');
      return b;
    };
    const opts: CompositeOptions = { Q: q.Q, stretch: q.stretch, minimum: q.minimum };
    if (q.band !== undefined) opts.rgbBands = [check(q.band), q.band, q.band];
    else if (q.rgbBands) opts.rgbBands = q.rgbBands.map(check) as [number, number, number];
    const rgb = colourComposite(img.data, img.shape, opts);
    return sharp(rgb.rgb, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toBuffer();
  }
}

/** Stretch options from query parameters: q, stretch (a number or auto), r, g, b, band. */
export function stretchFromQuery(p: URLSearchParams): StretchQuery {
  const num = (name: string, test: (v: number) => boolean, expected: string): number | undefined => {
    const t = p.get(name);
    if (t === null || t === '') return undefined;
    const v = Number(t);
    if (!test(v))
      throw new HttpError(
        400,
        `query parameter ${name}=${JSON.stringify(t)}: expected ${expected}`,
        'E_QUERY',
      );
    return v;
  };
  const positive = (v: number) => Number.isFinite(v) && v > 0;
  const band = (v: number) => Number.isInteger(v) && v >= 0;
  const stretchText = p.get('stretch');
  const out: StretchQuery = {
    Q: num('q', (v) => Number.isFinite(v) && v >= 0, 'a number >= 0'),
    stretch:
      stretchText === null || stretchText === 'auto'
        ? 'auto'
        : num('stretch', positive, "a number > 0 or 'auto'"),
    band: num('band', band, 'a band index'),
    minimum: num('minimum', Number.isFinite, 'a number'),
  };
  const rgb = ['r', 'g', 'b'].map((c) => num(c, band, 'a band index'));
  if (rgb.some((v) => v !== undefined)) {
    if (rgb.some((v) => v === undefined))
      throw new HttpError(400, 'query parameters r, g, b: give all three band indices or none', 'E_QUERY');
    out.rgbBands = rgb as [number, number, number];
  }
  return out;
}

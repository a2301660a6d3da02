import sharp from 'sharp';
import { LensfindError } from '../errors.js';
import { PNG_DPI } from '../io/png-dpi.js';
import type { RgbImage } from './composite.js';
import { FONT } from './render.js';

export interface GalleryItem {
  image: RgbImage;
  /** Text under the tile, e.g. "id 1234  score 0.998". */
  caption?: string;
}

export interface GalleryOptions {
  cols?: number;
  /** Tile edge in pixels; cutouts are enlarged with nearest-neighbour so pixels stay sharp. */
  tile?: number;
  padding?: number;
  captionHeight?: number;
  title?: string;
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Layout of a gallery: where tile k goes and the canvas size. */
export function galleryLayout(count: number, opts: GalleryOptions = {}) {
  const cols = Math.max(1, Math.min(opts.cols ?? 6, Math.max(count, 1)));
  const tile = opts.tile ?? 128;
  const pad = opts.padding ?? 6;
  const captionHeight = opts.captionHeight ?? 18;
  const titleHeight = opts.title ? 28 : 0;
  const rows = Math.max(1, Math.ceil(count / cols));
  const cellW = tile + pad;
  const cellH = tile + captionHeight + pad;
  return {
    cols,
    rows,
    tile,
    captionHeight,
    titleHeight,
    width: pad + cols * cellW,
    height: titleHeight + pad + rows * cellH,
    origin: (k: number) => ({
      left: pad + (k % cols) * cellW,
      top: titleHeight + pad + Math.floor(k / cols) * cellH,
    }),
  };
}

/** A grid of colour composites with captions, as PNG bytes (white background, DejaVu Sans text). */
export async function gallery(items: GalleryItem[], opts: GalleryOptions = {}): Promise<Buffer> {
  const layout = galleryLayout(items.length, opts);
  const tiles = await Promise.all(
    items.map(async ({ image }, k) => {
      if (image.rgb.length !== image.width * image.height * 3) {
        throw new LensfindError(
          'E_PLOT_INPUT',
          `gallery: item ${k} has ${image.rgb.length} bytes; expected ${image.width}×${image.height}×3`,
        );
      }
      const input = await sharp(Buffer.from(image.rgb), {
        raw: { width: image.width, height: image.height, channels: 3 },
      })
        .resize(layout.tile, layout.tile, { kernel: 'nearest', fit: 'fill' })
        .png()
        .toBuffer();
      return { input, ...layout.origin(k) };
    }),
  );
  const fontSize = Math.max(9, Math.min(12, layout.captionHeight - 5));
  const texts = items.map(({ caption }, k) => {
    if (!caption) return '';
    const { left, top } = layout.origin(k);
    return (
      `<text x="${left + layout.tile / 2}" y="${top + layout.tile + fontSize + 2}" font-size="${fontSize}" ` +
      `text-anchor="middle">${escapeXml(caption)}</text>`
    );
  });
  if (opts.title) {
    texts.push(
      `<text x="${layout.width / 2}" y="20" font-size="15" text-anchor="middle">${escapeXml(opts.title)}</text>`,
    );
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}">` +
    `<g font-family="${FONT}" fill="black">${texts.join('')}</g></svg>`;
  return sharp({
    create: {
      width: layout.width,
      height: layout.height,
      channels: 3,
      background: { r: 255, g: 255, b: 255 },
    },
  })
    .composite([...tiles, { input: Buffer.from(svg), left: 0, top: 0 }])
    .withMetadata({ density: PNG_DPI })
    .png()
    .toBuffer();
}

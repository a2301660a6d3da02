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
  /** Arcsec per cutout pixel: a scale bar is drawn on the first tile. */
  pixelScale?: number;
  /** A line under the title, e.g. which band feeds each colour (bandColourNote). */
  note?: string;
}

/** A round bar length in arcsec: the longest of 0.5, 1, 2, 5, 10, 20, 50 that spans at most 40% of the tile. */
export function scaleBarArcsec(tileArcsec: number): number {
  const options = [0.5, 1, 2, 5, 10, 20, 50];
  return options.filter((a) => a <= 0.4 * tileArcsec).pop() ?? options[0];
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Layout of a gallery: where tile k goes and the canvas size. */
export function galleryLayout(count: number, opts: GalleryOptions = {}) {
  const cols = Math.max(1, Math.min(opts.cols ?? 6, Math.max(count, 1)));
  const tile = opts.tile ?? 128;
  const pad = opts.padding ?? 6;
  const captionHeight = opts.captionHeight ?? 18;
  const titleHeight = (opts.title ? 28 : 0) + (opts.note ? 16 : 0);
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
  const svg = galleryOverlay(items, opts);
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

/** The gallery's text and marks as SVG over the tiles: captions, title, note, scale bar. */
export function galleryOverlay(items: GalleryItem[], opts: GalleryOptions = {}): string {
  const layout = galleryLayout(items.length, opts);
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
  if (opts.note) {
    const y = (opts.title ? 28 : 0) + 12;
    texts.push(
      `<text x="${layout.width / 2}" y="${y}" font-size="11" text-anchor="middle">${escapeXml(opts.note)}</text>`,
    );
  }
  const first = items[0]?.image;
  if (opts.pixelScale && opts.pixelScale > 0 && first) {
    // On the first tile, bottom left: white with a dark outline, readable on sky and on bright galaxies.
    const perArcsec = layout.tile / (first.width * opts.pixelScale);
    const arcsec = scaleBarArcsec(first.width * opts.pixelScale);
    const len = arcsec * perArcsec;
    const { left, top } = layout.origin(0);
    const x = left + 6;
    const y = top + layout.tile - 8;
    texts.push(
      `<g class="scale-bar" data-arcsec="${arcsec}" data-length-px="${len.toFixed(2)}">` +
        `<line x1="${x}" y1="${y}" x2="${x + len}" y2="${y}" stroke="black" stroke-width="4"/>` +
        `<line x1="${x}" y1="${y}" x2="${x + len}" y2="${y}" stroke="white" stroke-width="2"/>` +
        `<text x="${x + len / 2}" y="${y - 5}" font-size="10" text-anchor="middle" fill="white" stroke="black" ` +
        `stroke-width="0.4">${arcsec}″</text></g>`,
    );
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}">` +
    `<g font-family="${FONT}" fill="black">${texts.join('')}</g></svg>`
  );
}

import path from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { makeDirs } from '../../io/mkdirs.js';
import { PNG_DPI } from '../../io/png-dpi.js';

/** Which bands feed red, green, blue: the reddest, a middle one and the bluest (bands ordered blue to red). */
export function compositeBands(nBands: number): [number, number, number] {
  if (nBands === 1) return [0, 0, 0];
  if (nBands === 2) return [1, 1, 0];
  return [nBands - 1, Math.floor((nBands - 1) / 2), 0];
}

/**
 * An RGB colour composite of a `[bands, H, W]` cutout with Lupton et al. (2004)'s asinh stretch: the stretch acts
 * on the mean intensity and every channel is scaled by the same factor, so colours are preserved.
 * `Q` softens the stretch; the range maps the 99.5th percentile of the intensity to full scale.
 */
export function asinhComposite(image: Float32Array, bands: number, size: number, Q = 8): Uint8Array {
  const npix = size * size;
  const [ri, gi, bi] = compositeBands(bands);
  const chans = [ri, gi, bi].map((b) => image.subarray(b * npix, (b + 1) * npix));
  const intensity = new Float64Array(npix);
  for (let p = 0; p < npix; p++) intensity[p] = (chans[0][p] + chans[1][p] + chans[2][p]) / 3;
  const sorted = Float64Array.from(intensity).sort();
  const top = sorted[Math.min(npix - 1, Math.floor(0.995 * npix))];
  const range = top > 0 ? top : 1;
  const out = new Uint8Array(npix * 3);
  const norm = Math.asinh(Q);
  for (let p = 0; p < npix; p++) {
    const I = intensity[p];
    const f = I > 0 ? Math.asinh((Q * I) / range) / norm / I : 0;
    for (let c = 0; c < 3; c++) {
      const v = Math.max(0, chans[c][p]) * f;
      out[p * 3 + c] = Math.round(255 * Math.min(1, v));
    }
  }
  return out;
}

/** Writes a PNG colour composite (upscaled 4x, nearest neighbour, so small cutouts stay visible). */
export async function writePreview(
  file: string,
  image: Float32Array,
  bands: number,
  size: number,
): Promise<void> {
  const { default: sharp } = await import('sharp');
  const rgb = asinhComposite(image, bands, size);
  const png = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), {
    raw: { width: size, height: size, channels: 3 },
  })
    .resize(size * 4, size * 4, { kernel: 'nearest' })
    .withMetadata({ density: PNG_DPI })
    .png()
    .toBuffer();
  makeDirs(path.dirname(file));
  writeFileAtomic(file, png);
}

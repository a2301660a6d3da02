import { LensfindError } from '../errors.js';

/** An 8-bit RGB image, rows top to bottom, 3 bytes per pixel. */
export interface RgbImage {
  rgb: Uint8Array;
  width: number;
  height: number;
}

export interface CompositeOptions {
  /**
   * Band indices for red, green, blue. Default: bands are taken as ordered blue to red (g, r, i, ...), so
   * 3 bands give [2, 1, 0]; more give [last, middle, first]; 1 band is grey.
   */
  rgbBands?: [number, number, number];
  /** Value mapped to black, per channel or for all (default 0: sky-subtracted cutouts). */
  minimum?: number | [number, number, number];
  /** Linear scale of the asinh stretch (astropy's `stretch`); default 'auto' (see below). */
  stretch?: number | 'auto';
  /** Asinh softening (astropy's `Q`, default 8). */
  Q?: number;
  /**
   * Shows the rows bottom-first. Default false: rows as stored, row 0 at the top, lensfind's convention for every
   * cutout (src/sim/raster.ts; PNG, matplotlib's origin='upper', astropy's make_lupton_rgb). Set true for arrays
   * stored bottom-first (FITS data, lenstronomy's images).
   */
  flipY?: boolean;
}

export function defaultBands(nBands: number): [number, number, number] {
  if (nBands === 1) return [0, 0, 0];
  if (nBands === 2) return [1, 1, 0];
  if (nBands === 3) return [2, 1, 0];
  return [nBands - 1, Math.floor((nBands - 1) / 2), 0];
}

/** "R, G, B = i, r, g": which band feeds each colour (band names, or 1-based band numbers when unnamed). */
export function bandColourNote(nBands: number, names?: readonly string[]): string {
  const name = (b: number) => names?.[b] ?? `band ${b + 1}`;
  const [r, g, b] = defaultBands(nBands).map(name);
  return `R, G, B = ${r}, ${g}, ${b}`;
}

/** numpy-style linear-interpolated percentile of the finite values. */
function percentileOf(values: Float64Array, q: number): number {
  const finite = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const pos = q * (finite.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, finite.length - 1);
  return finite[lo] + (finite[hi] - finite[lo]) * (pos - lo);
}

/**
 * Lupton et al. (2004) asinh colour composite of a `[bands, H, W]` cutout, the same mapping as astropy's
 * `make_lupton_rgb(r, g, b, minimum, stretch, Q)`: intensity I = mean of the three minimum-subtracted
 * channels, every channel scaled by asinh(Q·I/stretch)·slope/I (slope = 0.1·255/asinh(0.1·Q)), negatives
 * to 0, and a pixel whose brightest channel passes 255 scaled down as a whole, so colours never clip.
 * stretch 'auto' is a tenth of the 99.5th percentile of I (see below).
 */
export function colourComposite(
  data: Float32Array,
  shape: readonly number[],
  opts: CompositeOptions = {},
): RgbImage {
  const [nBands, height, width] = shape.length === 2 ? [1, shape[0], shape[1]] : shape;
  if (shape.length < 2 || shape.length > 3 || nBands * height * width !== data.length || !(nBands >= 1)) {
    throw new LensfindError(
      'E_PLOT_INPUT',
      `colourComposite: shape [${shape.join(', ')}] does not fit ${data.length} values; expected [bands, H, W]`,
    );
  }
  const bands = opts.rgbBands ?? defaultBands(nBands);
  for (const b of bands) {
    if (!(Number.isInteger(b) && b >= 0 && b < nBands)) {
      throw new LensfindError('E_PLOT_INPUT', `colourComposite: band ${b}; expected 0..${nBands - 1}`);
    }
  }
  const mins =
    typeof opts.minimum === 'object' ? opts.minimum : [0, 1, 2].map(() => (opts.minimum as number) ?? 0);
  const n = height * width;
  const channels = bands.map((b, c) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = data[b * n + i] - mins[c];
    return out;
  });
  const intensity = new Float64Array(n);
  for (let i = 0; i < n; i++) intensity[i] = (channels[0][i] + channels[1][i] + channels[2][i]) / 3;
  const Q = Math.min(Math.abs(opts.Q ?? 8) < 2 ** -23 ? 0.1 : (opts.Q ?? 8), 1e10);
  const slope = (0.1 * 255) / Math.asinh(0.1 * Q);
  let stretch = opts.stretch ?? 'auto';
  if (stretch === 'auto') {
    // stretch = p99.5 / 10: with Q = 8 the brightest pixels land near 70% (asinh(80)·slope ≈ 177), features
    // at a tenth of the peak near 38% (≈ 96), and only the very brightest saturate; noise stays dim.
    const p = percentileOf(intensity, 0.995);
    stretch = p > 0 ? p / 10 : 1;
  }
  if (!(stretch > 0)) {
    throw new LensfindError('E_PLOT_INPUT', `colourComposite: stretch ${stretch}; expected > 0 or 'auto'`);
  }
  const soften = Q / stretch;
  const rgb = new Uint8Array(n * 3);
  const flip = opts.flipY ?? false;
  for (let i = 0; i < n; i++) {
    const I = intensity[i];
    const fac = I <= 0 || !Number.isFinite(I) ? 0 : (Math.asinh(I * soften) * slope) / I;
    const v = channels.map((ch) => Math.max(0, ch[i] * fac));
    const peak = Math.max(v[0], v[1], v[2]);
    const saturated = peak >= 255;
    const row = Math.floor(i / width);
    const col = i % width;
    const o = ((flip ? height - 1 - row : row) * width + col) * 3;
    // (v·255)/peak in astropy's order, so the brightest channel lands on exactly 255.
    for (let c = 0; c < 3; c++)
      rgb[o + c] = Math.min(255, Math.trunc(saturated ? (v[c] * 255) / peak : v[c]));
  }
  return { rgb, width, height };
}

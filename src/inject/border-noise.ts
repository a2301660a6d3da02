/**
 * A cutout's background level and noise per band, from robust statistics of its outer pixels (what injection adds
 * its arcs' noise and measures its signal-to-noise against).
 */
import { robustLevel } from '../metrics/robust.js';

/**
 * Per band, from the outer pixels: their median (a residual sky level, or the wings of a large galaxy) and the noise
 * sigma: 1.4826 MAD of (pixel - mean of the pixels two columns either side) over sqrt(3/2), so that a gradient
 * across the border, such as a bright deflector's wings, leaves it unchanged (noise correlated over a pixel or so
 * by resampling, as in survey coadds, barely lowers it).
 */
export interface BorderStats {
  level: Float64Array;
  sigma: Float64Array;
}

/** Pixels from each edge that count as the border: an eighth of the side, at least 2. */
export function borderWidth(size: number): number {
  return Math.max(2, Math.floor(size / 8));
}

/** The border's values, and each border pixel less the mean of the pixels two columns either side. */
function border(
  plane: ArrayLike<number>,
  size: number,
  offset = 0,
): { values: Float64Array; diffs: Float64Array } {
  const w = Math.min(borderWidth(size), Math.floor(size / 2));
  const inside = (r: number, c: number) => r < w || c < w || r >= size - w || c >= size - w;
  const values: number[] = [],
    diffs: number[] = [];
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      if (!inside(r, c)) continue;
      values.push(plane[offset + r * size + c]);
      if (c >= 2 && c + 2 < size && inside(r, c - 2) && inside(r, c + 2)) {
        const o = offset + r * size + c;
        diffs.push(plane[o] - 0.5 * (plane[o - 2] + plane[o + 2]));
      }
    }
  return { values: Float64Array.from(values), diffs: Float64Array.from(diffs) };
}

function borderLevelSigma(
  plane: ArrayLike<number>,
  size: number,
  offset = 0,
): { level: number; sigma: number } {
  const { values, diffs } = border(plane, size, offset);
  return { level: robustLevel(values).level, sigma: robustLevel(diffs).sigma / Math.sqrt(1.5) };
}

export function borderStats(image: ArrayLike<number>, bands: number, size: number): BorderStats {
  const level = new Float64Array(bands),
    sigma = new Float64Array(bands);
  for (let b = 0; b < bands; b++) {
    const s = borderLevelSigma(image, size, b * size * size);
    level[b] = s.level;
    sigma[b] = s.sigma;
  }
  return { level, sigma };
}

/**
 * Supersampled pixel grids. Pixel (row r, column c) of an N x N cutout is centred at
 * x = (c - (N-1)/2) * scale, y = ((N-1)/2 - r) * scale (arcsec): x to the right and y up when the array is shown
 * with row 0 at the top (PNG, matplotlib's default origin='upper'); lenstronomy arrays are flipped in rows
 * relative to this (they are shown with origin='lower'). Each pixel is split into factor x factor sub-pixels, and
 * pixels within `centralRadius` pixels of the centre into centralFactor^2 (steep profile cores); a pixel's value
 * is the mean of its samples, i.e. the surface brightness integrated over the pixel / pixel area.
 */
export interface Supersampling {
  factor: number;
  centralFactor: number;
  /** Radius in pixels around the cutout centre that gets centralFactor. */
  centralRadius: number;
}

export interface SampleGrid {
  size: number;
  pixelScale: number;
  /** Sample coordinates (arcsec). */
  x: Float64Array;
  y: Float64Array;
  /** Pixel index of each sample; samples of a pixel are contiguous. */
  pixel: Int32Array;
  /** First sample of each pixel (length size^2 + 1). */
  start: Int32Array;
}

const grids = new Map<string, SampleGrid>();

export function sampleGrid(size: number, pixelScale: number, ss: Supersampling): SampleGrid {
  const key = `${size}|${pixelScale}|${ss.factor}|${ss.centralFactor}|${ss.centralRadius}`;
  const hit = grids.get(key);
  if (hit) return hit;
  const h = (size - 1) / 2;
  const factors = new Int32Array(size * size);
  let total = 0;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const central = Math.hypot(r - h, c - h) <= ss.centralRadius;
      const f = Math.max(1, Math.round(central ? Math.max(ss.centralFactor, ss.factor) : ss.factor));
      factors[r * size + c] = f;
      total += f * f;
    }
  }
  const x = new Float64Array(total),
    y = new Float64Array(total);
  const pixel = new Int32Array(total),
    start = new Int32Array(size * size + 1);
  let k = 0;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const p = r * size + c;
      const f = factors[p];
      start[p] = k;
      for (let a = 0; a < f; a++) {
        const yy = (h - r + 0.5 - (a + 0.5) / f) * pixelScale;
        for (let b = 0; b < f; b++) {
          x[k] = (c - h - 0.5 + (b + 0.5) / f) * pixelScale;
          y[k] = yy;
          pixel[k] = p;
          k++;
        }
      }
    }
  }
  start[size * size] = k;
  const g = { size, pixelScale, x, y, pixel, start };
  if (grids.size > 32) grids.clear();
  grids.set(key, g);
  return g;
}

/** Mean of the samples of each pixel (sample values -> pixel values). */
export function downsample(grid: SampleGrid, samples: ArrayLike<number>): Float64Array {
  const n = grid.size * grid.size;
  const out = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const a = grid.start[p],
      b = grid.start[p + 1];
    let s = 0;
    for (let k = a; k < b; k++) s += samples[k];
    out[p] = s / (b - a);
  }
  return out;
}

/** out[p] = scale * mean of pixel p's samples (no allocation; the renderer's per-light step). */
export function downsampleInto(grid: SampleGrid, samples: Float64Array, out: Float64Array, scale = 1): void {
  const n = grid.size * grid.size;
  const start = grid.start;
  for (let p = 0; p < n; p++) {
    const a = start[p],
      b = start[p + 1];
    let s = 0;
    for (let k = a; k < b; k++) s += samples[k];
    out[p] = (s * scale) / (b - a);
  }
}

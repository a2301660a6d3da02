import { LensfindError } from '../errors.js';
import { Sfc32Rng } from '../rng/index.js';

/**
 * Seeded augmentation of one cutout [bands, H, W]. Every parameter is drawn, in a fixed order, from a generator
 * seeded by (seed, epoch, index), so the result is the same whatever worker prepares it, and switching one
 * augmentation off does not change the draws of the others.
 */
export interface AugmentConfig {
  /** Random horizontal and vertical flips. */
  flip: boolean;
  /** Random multiples of 90°. */
  rot90: boolean;
  /** Maximum angle of a small rotation, degrees (bilinear). */
  rotate: number;
  /** Maximum sub-pixel shift in x and y, pixels (bilinear). */
  shift: number;
  /** Gaussian noise sigma, in normalised units (added after normalisation). */
  noise: number;
  /** Per-band brightness jitter: each band multiplied by 1 + U(-b, b) (before normalisation). */
  brightness: number;
}

export const NO_AUGMENT: AugmentConfig = {
  flip: false,
  rot90: false,
  rotate: 0,
  shift: 0,
  noise: 0,
  brightness: 0,
};
const AUGMENT_STREAM = 0xa06;

export interface AugmentDraw {
  flipX: boolean;
  flipY: boolean;
  k: number;
  angle: number;
  dx: number;
  dy: number;
  gains: number[];
  noiseRng: Sfc32Rng;
}

export function drawAugment(
  cfg: AugmentConfig,
  bands: number,
  seed: number,
  epoch: number,
  index: number,
): AugmentDraw {
  const rng = new Sfc32Rng(seed, AUGMENT_STREAM, epoch, index);
  const flipX = rng.next() < 0.5;
  const flipY = rng.next() < 0.5;
  const k = rng.int(4);
  const angle = rng.uniform(-1, 1);
  const dx = rng.uniform(-1, 1);
  const dy = rng.uniform(-1, 1);
  const gains = Array.from({ length: bands }, () => rng.uniform(-1, 1));
  return {
    flipX: cfg.flip && flipX,
    flipY: cfg.flip && flipY,
    k: cfg.rot90 ? k : 0,
    angle: (angle * cfg.rotate * Math.PI) / 180,
    dx: dx * cfg.shift,
    dy: dy * cfg.shift,
    gains: gains.map((g) => 1 + g * cfg.brightness),
    noiseRng: new Sfc32Rng(seed, AUGMENT_STREAM + 1, epoch, index),
  };
}

/** Flips of every band: flipX mirrors columns (x), flipY mirrors rows (y). */
export function flip(
  img: Float32Array,
  bands: number,
  h: number,
  w: number,
  flipX: boolean,
  flipY: boolean,
): Float32Array {
  const out = new Float32Array(img.length);
  for (let b = 0; b < bands; b++) {
    const o = b * h * w;
    for (let y = 0; y < h; y++) {
      const sy = flipY ? h - 1 - y : y;
      for (let x = 0; x < w; x++) out[o + y * w + x] = img[o + sy * w + (flipX ? w - 1 - x : x)];
    }
  }
  return out;
}

/** Rotates every band by k × 90° counter-clockwise (as np.rot90 on the last two axes); needs H = W when k is odd. */
export function rot90(img: Float32Array, bands: number, h: number, w: number, k: number): Float32Array {
  k = ((k % 4) + 4) % 4;
  if (k === 0) return img.slice();
  if (k % 2 === 1 && h !== w)
    throw new LensfindError(
      'E_DATA',
      `rot90: an odd number of quarter turns needs a square image, got ${h}x${w}`,
    );
  const out = new Float32Array(img.length);
  for (let b = 0; b < bands; b++) {
    const o = b * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // np.rot90(m, 1)[y, x] = m[x, w - 1 - y]
        let v: number;
        if (k === 1) v = img[o + x * w + (w - 1 - y)];
        else if (k === 2) v = img[o + (h - 1 - y) * w + (w - 1 - x)];
        else v = img[o + (h - 1 - x) * w + y];
        out[o + y * w + x] = v;
      }
    }
  }
  return out;
}

/**
 * Rotation by `angle` (radians, counter-clockwise about the centre) and a shift (dx, dy pixels), bilinear;
 * samples outside the cutout take the nearest edge pixel.
 */
export function rotateShift(
  img: Float32Array,
  bands: number,
  h: number,
  w: number,
  angle: number,
  dx: number,
  dy: number,
): Float32Array {
  const out = new Float32Array(img.length);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Inverse map: output pixel → input position (array rows grow downwards; y up on the sky flips the sign).
      const u = x - cx - dx;
      const v = y - cy - dy;
      const sx = Math.min(Math.max(c * u - s * v + cx, 0), w - 1);
      const sy = Math.min(Math.max(s * u + c * v + cy, 0), h - 1);
      const x0 = Math.min(Math.floor(sx), w - 2 < 0 ? 0 : w - 2);
      const y0 = Math.min(Math.floor(sy), h - 2 < 0 ? 0 : h - 2);
      const fx = w > 1 ? sx - x0 : 0;
      const fy = h > 1 ? sy - y0 : 0;
      const x1 = Math.min(x0 + 1, w - 1);
      const y1 = Math.min(y0 + 1, h - 1);
      for (let b = 0; b < bands; b++) {
        const o = b * h * w;
        const top = img[o + y0 * w + x0] * (1 - fx) + img[o + y0 * w + x1] * fx;
        const bot = img[o + y1 * w + x0] * (1 - fx) + img[o + y1 * w + x1] * fx;
        out[o + y * w + x] = top * (1 - fy) + bot * fy;
      }
    }
  }
  return out;
}

/** Brightness jitter (physical units, before normalisation): band b multiplied by gains[b]. */
export function applyGains(img: Float32Array, bands: number, gains: readonly number[]): Float32Array {
  const out = img.slice();
  const plane = img.length / bands;
  for (let b = 0; b < bands; b++)
    if (gains[b] !== 1) for (let i = b * plane; i < (b + 1) * plane; i++) out[i] *= gains[b];
  return out;
}

/** Geometric augmentation and noise (normalised units, after normalisation). */
export function applyGeometryAndNoise(
  img: Float32Array,
  bands: number,
  h: number,
  w: number,
  d: AugmentDraw,
  noise: number,
): Float32Array {
  let out = d.flipX || d.flipY ? flip(img, bands, h, w, d.flipX, d.flipY) : img;
  // A non-square cutout can only turn by 0° or 180° and keep its shape.
  const k = h === w ? d.k : d.k & 2;
  if (k !== 0) out = rot90(out, bands, h, w, k);
  if (d.angle !== 0 || d.dx !== 0 || d.dy !== 0) out = rotateShift(out, bands, h, w, d.angle, d.dx, d.dy);
  if (noise > 0) {
    if (out === img) out = img.slice();
    d.noiseRng.addNormal(out, noise);
  }
  return out;
}

/** The whole augmentation of one raw image around a normalisation step, as the loader runs it. */
export function augmentImage(
  raw: Float32Array,
  shape: { bands: number; height: number; width: number },
  cfg: AugmentConfig,
  normalize: (img: Float32Array) => Float32Array,
  seed: number,
  epoch: number,
  index: number,
): Float32Array {
  const { bands, height, width } = shape;
  const d = drawAugment(cfg, bands, seed, epoch, index);
  const bright = cfg.brightness > 0 ? applyGains(raw, bands, d.gains) : raw;
  return applyGeometryAndNoise(normalize(bright), bands, height, width, d, cfg.noise);
}

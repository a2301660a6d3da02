import type { SimpleConfig, Range } from './config.js';

/** The random draws the simple renderer needs; the dataset passes a generator seeded by (seed, index). */
export interface SimpleRandom {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  /** Poisson deviate with mean `lambda`. */
  poisson(lambda: number): number;
}

export interface SimpleCutout {
  image: Float32Array;
  meta: Record<string, number | string>;
}

const DEFAULT_GALAXY_COLOUR = [0.6, 1.0, 1.3];
const DEFAULT_ARC_COLOUR = [1.3, 1.0, 0.7];

function colourFor(
  given: readonly number[] | undefined,
  fallback: readonly number[],
  bands: number,
): number[] {
  if (given && given.length === bands) return [...given];
  if (bands === fallback.length) return [...fallback];
  // Interpolate the 3-band default across any number of bands (blue to red).
  return Array.from({ length: bands }, (_, b) => {
    const t = bands === 1 ? (fallback.length - 1) / 2 : (b / (bands - 1)) * (fallback.length - 1);
    const i = Math.min(Math.floor(t), fallback.length - 2);
    return fallback[i] + (fallback[i + 1] - fallback[i]) * (t - i);
  });
}

function draw(rng: SimpleRandom, [a, b]: Range): number {
  return a === b ? a : a + (b - a) * rng.uniform();
}

/** Adds an elliptical Gaussian blob to a single-band image. */
function addBlob(
  img: Float64Array,
  size: number,
  cx: number,
  cy: number,
  amp: number,
  sigma: number,
  q: number,
  phi: number,
): void {
  const c = Math.cos(phi);
  const s = Math.sin(phi);
  const inv2a = 1 / (2 * sigma * sigma);
  const inv2b = 1 / (2 * sigma * sigma * q * q);
  for (let y = 0; y < size; y++) {
    const dy = y - cy;
    for (let x = 0; x < size; x++) {
      const dx = x - cx;
      const u = c * dx + s * dy;
      const v = -s * dx + c * dy;
      const e = u * u * inv2a + v * v * inv2b;
      if (e < 30) img[y * size + x] += amp * Math.exp(-e);
    }
  }
}

/** Adds a circular arc: Gaussian across its radius, a cosine taper along its extent. */
function addArc(
  img: Float64Array,
  size: number,
  cx: number,
  cy: number,
  amp: number,
  radius: number,
  width: number,
  phi0: number,
  extent: number,
): void {
  const half = extent / 2;
  const inv2w = 1 / (2 * width * width);
  for (let y = 0; y < size; y++) {
    const dy = y - cy;
    for (let x = 0; x < size; x++) {
      const dx = x - cx;
      const dr = Math.hypot(dx, dy) - radius;
      const e = dr * dr * inv2w;
      if (e > 30) continue;
      let dphi = Math.atan2(dy, dx) - phi0;
      dphi = Math.atan2(Math.sin(dphi), Math.cos(dphi));
      if (Math.abs(dphi) >= half) continue;
      const taper = 0.5 * (1 + Math.cos((Math.PI * dphi) / half));
      img[y * size + x] += amp * taper * Math.exp(-e);
    }
  }
}

/** Separable Gaussian blur whose kernel sums to one (flux conserved away from the edges). */
function blur(img: Float64Array, size: number, sigma: number): Float64Array {
  if (sigma <= 0) return img;
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const tmp = new Float64Array(img.length);
  const out = new Float64Array(img.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) {
        const xx = x + i;
        if (xx >= 0 && xx < size) acc += k[i + r] * img[y * size + xx];
      }
      tmp[y * size + x] = acc;
    }
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) {
        const yy = y + i;
        if (yy >= 0 && yy < size) acc += k[i + r] * tmp[yy * size + x];
      }
      out[y * size + x] = acc;
    }
  return out;
}

/**
 * Renders one simple cutout `[bands, size, size]`: a red elliptical galaxy; for a lens, one or more blue arcs
 * around it; for a non-lens, sometimes blue companion blobs at arc-like distances. All draws come from `rng`.
 */
export function renderSimple(
  cfg: SimpleConfig,
  rng: SimpleRandom,
  opts: { label: 0 | 1; size: number; bands: number },
): SimpleCutout {
  const { size, bands, label } = opts;
  const centre = (size - 1) / 2;
  const galaxyColour = colourFor(cfg.galaxy_colour, DEFAULT_GALAXY_COLOUR, bands);
  const arcColour = colourFor(cfg.arc_colour, DEFAULT_ARC_COLOUR, bands);

  const gx = centre + rng.normal() * 0.5;
  const gy = centre + rng.normal() * 0.5;
  const gAmp = draw(rng, cfg.galaxy.brightness);
  const gSize = draw(rng, cfg.galaxy.size);
  const gQ = 1 - draw(rng, cfg.galaxy.ellipticity);
  const gPhi = Math.PI * rng.uniform();
  const galaxy = new Float64Array(size * size);
  addBlob(galaxy, size, gx, gy, gAmp, gSize, gQ, gPhi);

  const blue = new Float64Array(size * size);
  const meta: Record<string, number | string> = {
    galaxy_brightness: gAmp,
    galaxy_size_px: gSize,
    galaxy_q: gQ,
    arc_radius_px: 0,
    arc_brightness: 0,
    n_arcs: 0,
    n_companions: 0,
  };
  if (label === 1) {
    const radius = 1 / draw(rng, cfg.arcs.curvature);
    const amp = draw(rng, cfg.arcs.brightness);
    const width = draw(rng, cfg.arcs.width);
    const count = 1 + Math.floor(rng.uniform() * cfg.arcs.max_count);
    const phi0 = 2 * Math.PI * rng.uniform();
    for (let a = 0; a < count; a++) {
      const extent = (draw(rng, cfg.arcs.extent) * Math.PI) / 180;
      // Multiple arcs sit roughly opposite each other, as lensed images do.
      const phi = phi0 + (2 * Math.PI * a) / count + 0.3 * rng.normal();
      addArc(blue, size, gx, gy, amp * (a === 0 ? 1 : 0.5 + 0.5 * rng.uniform()), radius, width, phi, extent);
    }
    Object.assign(meta, { arc_radius_px: radius, arc_brightness: amp, n_arcs: count });
  } else if (rng.uniform() < cfg.galaxy.companion_fraction) {
    const count = 1 + Math.floor(rng.uniform() * 2);
    for (let c = 0; c < count; c++) {
      const r = 1 / draw(rng, cfg.arcs.curvature);
      const phi = 2 * Math.PI * rng.uniform();
      const amp = draw(rng, cfg.arcs.brightness);
      addBlob(
        blue,
        size,
        gx + r * Math.cos(phi),
        gy + r * Math.sin(phi),
        amp,
        draw(rng, cfg.arcs.width) * 1.5,
        0.5 + 0.5 * rng.uniform(),
        Math.PI * rng.uniform(),
      );
    }
    meta.n_companions = count;
  }

  const sharp = new Float64Array(size * size);
  const image = new Float32Array(bands * size * size);
  const { gaussian_std: std, poisson_lambda: lambda, psf_sigma: psf } = cfg.noise;
  for (let b = 0; b < bands; b++) {
    for (let i = 0; i < sharp.length; i++) sharp[i] = galaxyColour[b] * galaxy[i] + arcColour[b] * blue[i];
    const blurred = blur(sharp, size, psf);
    const off = b * size * size;
    for (let i = 0; i < blurred.length; i++) {
      let v = blurred[i];
      if (lambda > 0) v += rng.poisson(lambda) - lambda;
      if (std > 0) v += std * rng.normal();
      image[off + i] = v;
    }
  }
  return { image, meta };
}

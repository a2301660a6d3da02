/**
 * Fixed summaries of a galaxy image that the posterior network gets beside its backbone's features.
 *
 * Why: the backbone sees asinh-compressed images, which keep faint and bright galaxies on one scale but blur the
 * linear quantities that a Sérsic fit's precision comes from at high signal-to-noise. Classic photometry measures
 * them directly (aperture fluxes and the curve of growth for magnitude, radius and index; Gaussian-weighted first
 * and second moments for centre, axis ratio and angle, as in adaptive-moment shape measurement). Each is a linear
 * map of the linear image sinh(x) (the normalisation's exact inverse, in units of the pixel noise), so all of them
 * are one matrix product with a fixed [H*W, K] matrix; the network learns what to make of them.
 *
 * Per band, from that product m (K columns, each with its noise sigma_k = ||column||, pixels of unit noise):
 * - asinh(m_k / sigma_k) for every column (signal-to-noise of each measurement, compressed);
 * - each Gaussian window's five moments divided by its weighted flux, |m_0| + 3 sigma_0 (centre and shape);
 * - each aperture's flux divided by the largest aperture's, |m| + 3 sigma (the curve of growth).
 * Gaussian windows have widths 1, 2, 4, 8, ... pixels up to a quarter of the image; apertures radii from 1 pixel to
 * half the image. Coordinates: x to the right, y up, from the image centre, in units of the window's width.
 */
import { noGrad } from '../torch/autograd.js';
import { Module } from '../torch/nn/index.js';
import { cat } from '../torch/ops.js';
import { tensor } from '../torch/creation.js';
import type { Tensor } from '../torch/tensor.js';

const MOMENTS = 6; // w, w u, w v, w u^2, w v^2, w u v
const APERTURE_RADII = [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];

/** The fixed projection: columns of Gaussian-window moments, then top-hat apertures; and each column's noise. */
export function summaryMatrix(size: number): {
  matrix: Float32Array;
  noise: Float32Array;
  windows: number[];
  radii: number[];
} {
  const windows: number[] = [];
  for (let s = 1; s <= size / 4; s *= 2) windows.push(s);
  const radii = APERTURE_RADII.filter((r) => r <= size / 2);
  const K = windows.length * MOMENTS + radii.length;
  const P = size * size;
  const matrix = new Float32Array(P * K);
  const c = (size - 1) / 2;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const p = row * size + col;
      const dx = col - c;
      const dy = c - row; // y up: row 0 is the top
      windows.forEach((s, i) => {
        const u = dx / s;
        const v = dy / s;
        const w = Math.exp(-0.5 * (u * u + v * v));
        const terms = [w, w * u, w * v, w * u * u, w * v * v, w * u * v];
        for (let t = 0; t < MOMENTS; t++) matrix[p * K + i * MOMENTS + t] = terms[t];
      });
      const r = Math.hypot(dx, dy);
      radii.forEach((R, j) => {
        matrix[p * K + windows.length * MOMENTS + j] = r <= R ? 1 : 0;
      });
    }
  }
  const noise = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    let ss = 0;
    for (let p = 0; p < P; p++) ss += matrix[p * K + k] ** 2;
    noise[k] = Math.sqrt(ss);
  }
  return { matrix, noise, windows, radii };
}

export class ImageSummaries extends Module {
  readonly numFeatures: number;
  private readonly windows: number;
  private readonly apertures: number;

  constructor(
    readonly bands: number,
    readonly size: number,
  ) {
    super();
    const { matrix, noise, windows, radii } = summaryMatrix(size);
    this.windows = windows.length;
    this.apertures = radii.length;
    const K = noise.length;
    // buffers, not parameters, and not saved: they follow from the image size
    noGrad(() => {
      this.registerBuffer('projection', tensor(matrix).reshape([size * size, K]), false);
      this.registerBuffer('noise', tensor(noise), false);
    });
    this.numFeatures = bands * (K + this.windows * (MOMENTS - 1) + this.apertures);
  }

  /** Normalised images [B, bands, H, W] (asinh(x / sigma)) to summaries [B, numFeatures]. */
  override forward(x: Tensor): Tensor {
    const B = x.shape[0];
    const P = this.size * this.size;
    const m = x
      .sinh()
      .reshape([B * this.bands, P])
      .matmul(this.getBuffer('projection')!); // [B*bands, K]
    const noise = this.getBuffer('noise')!;
    const snr = m.div(noise).asinh();
    const parts: Tensor[] = [snr];
    const W = this.windows * MOMENTS;
    for (let i = 0; i < this.windows; i++) {
      const flux = m
        .narrow(1, i * MOMENTS, 1)
        .abs()
        .add(noise.narrow(0, i * MOMENTS, 1).mul(3));
      parts.push(m.narrow(1, i * MOMENTS + 1, MOMENTS - 1).div(flux));
    }
    const last = W + this.apertures - 1;
    const total = m
      .narrow(1, last, 1)
      .abs()
      .add(noise.narrow(0, last, 1).mul(3));
    parts.push(m.narrow(1, W, this.apertures).div(total));
    return cat(parts, 1).reshape([B, this.numFeatures]);
  }
}

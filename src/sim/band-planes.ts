/**
 * The pixel planes of one cutout being rendered, kept in the WebAssembly instance's memory so the kernels pass
 * them to one another without copies: per band all light (`total`), the lensed light alone (`arc`) and all light
 * through the PSF (`psf`); plus one light's pixels (`pix`) and one band's lensed light through the PSF
 * (`arcPsf`). Views of the planes are transient (valid until the next kernel call, which may grow the memory).
 */
import type { SieShearPass } from './lens/ray-shoot-fast.js';
import { noiseForm, type NoiseModel } from './noise.js';
import { convolve, isSymmetric, type Kernel } from './psf.js';
import type { Rng } from './rng.js';
import { f64View, Region, wasm } from './wasm/instance.js';
import { varianceForm } from './arc-snr.js';
import {
  addNoisePtr,
  arcMeasuresPtr,
  type ArcMeasures,
  convolveCompactPtr,
  convolvePtr,
  MAX_HALF,
  lensedPixelsPtr,
  lightPixelsBoxPtr,
  lightPixelsPtr,
  type PixelBox,
  type Samples,
  type LightForm,
  type SamplesAt,
} from './wasm/kernels.js';

/** The 1-D factor of a kernel the WebAssembly convolution takes (separable, symmetric, at most 25 taps). */
function fastKernel(kernel: Kernel): Float64Array | undefined {
  const k = kernel.separable;
  return k && k.length <= 2 * MAX_HALF + 1 && isSymmetric(k) ? k : undefined;
}

export class BandPlanes {
  private readonly base: number;
  /** Values per plane. */
  private readonly stride: number;

  constructor(
    readonly size: number,
    readonly bands: number,
  ) {
    this.stride = size * size;
    this.base = new Region().reserve(8 * this.stride * (3 * bands + 2));
  }

  private plane(i: number): number {
    return this.base + 8 * this.stride * i;
  }
  total(b: number): number {
    return this.plane(b);
  }
  arc(b: number): number {
    return this.plane(this.bands + b);
  }
  psf(b: number): number {
    return this.plane(2 * this.bands + b);
  }
  get pix(): number {
    return this.plane(3 * this.bands);
  }
  get arcPsf(): number {
    return this.plane(3 * this.bands + 1);
  }

  /** A transient view of a plane (see above). */
  view(ptr: number): Float64Array {
    return f64View(ptr, this.size * this.size);
  }

  /** Zeroes every band's total and arc. */
  clear(): void {
    f64View(this.base, 2 * this.bands * this.stride).fill(0);
  }

  /**
   * pix = a light's pixels (scale: flux per pixel), at the grid's coordinates or at `at` (kernels.ts); at the last
   * ray shooting's positions ('rays') only within `reach` when given (0 elsewhere).
   */
  light(form: LightForm, grid: Samples, scale: number, at?: SamplesAt, reach?: PixelBox): void {
    lightPixelsPtr(form, grid, this.pix, scale, at, reach);
  }

  /**
   * pix = a source's pixels behind an SIE + shear (ray shooting in WebAssembly); beta kept when asked, else only
   * the pixels within `reach` are ray-shot when it is given (0 elsewhere).
   */
  lensed(
    form: LightForm,
    lens: SieShearPass,
    grid: Samples,
    scale: number,
    keep?: { bx: Float64Array; by: Float64Array },
    reach?: PixelBox,
  ): void {
    lensedPixelsPtr(form, lens, grid, this.pix, scale, keep, reach);
  }

  /** Adds a light's pixels inside `box` (scale: flux per pixel) times each band's flux into the bands' totals. */
  addInBox(form: LightForm, grid: Samples, scale: number, flux: ArrayLike<number>, box: PixelBox): void {
    lightPixelsBoxPtr(form, grid, this.size, this.pix, scale, box);
    const { r0, r1, c0, c1 } = box;
    for (let b = 0; b < this.bands; b++)
      wasm.axpyBox(this.total(b), this.pix, flux[b], this.size, r0, r1, c0, c1);
  }

  /**
   * Adds a point source of `flux` (per band) at fractional pixel (row v, column u) into the totals, shared among
   * the four nearest pixels by bilinear weights (the PSF then spreads it; the sharing widens a 0.7" PSF by ~3%).
   */
  addPoint(v: number, u: number, flux: ArrayLike<number>): void {
    const r0 = Math.floor(v),
      c0 = Math.floor(u);
    const fv = v - r0,
      fu = u - c0;
    for (let b = 0; b < this.bands; b++) {
      const t = this.view(this.total(b));
      for (const [r, c, w] of [
        [r0, c0, (1 - fv) * (1 - fu)],
        [r0, c0 + 1, (1 - fv) * fu],
        [r0 + 1, c0, fv * (1 - fu)],
        [r0 + 1, c0 + 1, fv * fu],
      ]) {
        if (r >= 0 && r < this.size && c >= 0 && c < this.size) t[r * this.size + c] += flux[b] * w;
      }
    }
  }

  /** pix = pixels computed elsewhere. */
  setPix(pixels: Float64Array): void {
    this.view(this.pix).set(pixels);
  }

  /** Adds pix times each band's flux into the bands' totals (and arcs, for lensed light); returns the sum of pix. */
  accumulate(flux: ArrayLike<number>, lensed: boolean): number {
    const n = this.size * this.size;
    for (let b = 0; b < this.bands; b++) {
      wasm.axpy(this.total(b), this.pix, flux[b], n);
      if (lensed) wasm.axpy(this.arc(b), this.pix, flux[b], n);
    }
    return wasm.sum(this.pix, n);
  }

  /**
   * dst = src through the PSF kernel (WebAssembly for separable kernels of up to 25 taps, else psf.ts). With `box`,
   * only dst's pixels in it need be computed (the WebAssembly path leaves the others as they are).
   */
  convolve(src: number, dst: number, kernel: Kernel, box?: PixelBox): void {
    const size = this.size;
    const k = fastKernel(kernel);
    if (k) convolvePtr(src, dst, size, size, k, box);
    else this.view(dst).set(convolve(this.view(src), size, size, kernel));
  }

  /**
   * convolve of the pixels outside `box` (those in it were convolved before): the four bands around it, each the
   * same bits as a whole-plane convolution.
   */
  convolveOutside(src: number, dst: number, kernel: Kernel, box: PixelBox): void {
    const last = this.size - 1;
    const { r0, r1, c0, c1 } = box;
    if (r1 < r0 || c1 < c0) return this.convolve(src, dst, kernel);
    const bands: PixelBox[] = [
      { r0: 0, r1: r0 - 1, c0: 0, c1: last },
      { r0: r1 + 1, r1: last, c0: 0, c1: last },
      { r0, r1, c0: 0, c1: c0 - 1 },
      { r0, r1, c0: c1 + 1, c1: last },
    ];
    for (const b of bands) if (b.r0 <= b.r1 && b.c0 <= b.c1) this.convolve(src, dst, kernel, b);
  }

  /**
   * convolve of a plane of compact light (arcs): returns the box of dst's pixels that may be non-zero, the kernel's
   * reach of src's light (the WebAssembly path computes only those, and sets the rest to 0).
   */
  convolveCompact(src: number, dst: number, kernel: Kernel): PixelBox {
    const size = this.size;
    const k = fastKernel(kernel);
    if (k) return convolveCompactPtr(src, dst, size, size, k);
    this.view(dst).set(convolve(this.view(src), size, size, kernel));
    return { r0: 0, r1: size - 1, c0: 0, c1: size - 1 };
  }

  /**
   * The arcs of one band, in one pass over the planes `arc` (lensed light) and `total` (all light), about the lens
   * centre (cx, cy) in arcsec at pixel scale `scale`:
   *  - snr: the arc signal-to-noise of arc-snr.ts, with the noise of `total`;
   *  - contrast: at the pixel where the arc is brightest, the arc over all other light there (lens light,
   *    neighbours); 0 without arc light;
   *  - span: how far around the lens the arcs are seen, the fraction of the full circle (72 bins of 5 degrees)
   *    covered by the angles of the pixels where the arc is at least the pixel's noise sigma and a quarter of all
   *    other light there; a single compact image covers a few per cent, an arc or images on both sides of the lens
   *    much more; 0 without such pixels.
   * With `reach` (where the arc is not 0: convolveCompact's box), only its pixels are read.
   */
  arcMeasures(
    arc: number,
    total: number,
    model: NoiseModel,
    cx: number,
    cy: number,
    scale: number,
    reach?: PixelBox,
  ): ArcMeasures {
    return arcMeasuresPtr(arc, total, this.size, varianceForm(model), cx, cy, scale, reach);
  }

  /** out = plane src with survey noise (noise.ts addNoiseInto). */
  addNoise(src: number, out: Float32Array | Float64Array, model: NoiseModel, rng: Rng): void {
    addNoisePtr(src, out, noiseForm(model), rng);
  }
}

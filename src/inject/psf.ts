/**
 * The PSF of each band of the cutouts, as a normalised pixel kernel: a FITS image (at the cutouts' pixel scale,
 * odd sides, centred on the middle pixel), a Gaussian of a given FWHM, or the survey band's own profile and seeing
 * (the kernel the simulator renders with, src/sim/render.ts).
 */
import { ConfigError, DataError } from '../errors.js';
import { BandPlanes } from '../sim/band-planes.js';
import { readFitsImage } from '../io/fits-image.js';
import { FWHM_TO_SIGMA, psfKernel, type Kernel } from '../sim/psf.js';
import type { Band } from '../sim/survey.js';
import { kernelVariance } from './moments.js';

export interface BandPsf {
  kernel: Kernel;
  /** FWHM in arcsec: as given, or (FITS images) of the Gaussian of the same second moments. */
  fwhm: number;
  /** Where it came from: `file.fits`, `gaussian 0.7"`, `survey moffat 0.71"`. */
  source: string;
}

/** A FITS PSF image as a kernel: 2-D (or [1, H, W]), square with odd sides, finite, positive sum; normalised to 1. */
export function readPsfFile(file: string): Kernel {
  let img: { data: Float32Array; shape: number[] };
  try {
    img = readFitsImage(file);
  } catch (err) {
    throw new DataError(`PSF ${file}: ${(err as Error).message}`, file);
  }
  const shape = img.shape.length === 3 && img.shape[0] === 1 ? img.shape.slice(1) : img.shape;
  if (shape.length !== 2 || shape[0] !== shape[1] || shape[0] % 2 === 0)
    throw new DataError(
      `PSF ${file}: shape [${img.shape.join(', ')}]: expected a square image with an odd side, centred on its middle pixel`,
      file,
    );
  let sum = 0;
  for (const v of img.data) {
    if (!Number.isFinite(v)) throw new DataError(`PSF ${file}: non-finite value ${v}`, file);
    sum += v;
  }
  if (!(sum > 0)) throw new DataError(`PSF ${file}: its pixels sum to ${sum}, expected a positive sum`, file);
  return { size: shape[0], data: Float64Array.from(img.data, (v) => v / sum) };
}

/** Kernels per band: `files`, else Gaussian `fwhm`s, else the survey bands' PSFs; `size` caps the side as the simulator does. */
export function bandPsfs(
  opts: { files?: readonly string[]; fwhm?: readonly number[] },
  bands: readonly Band[],
  pixelScale: number,
  size: number,
): BandPsf[] {
  const maxSize = size % 2 ? size : size - 1;
  return bands.map((b, i) => {
    if (opts.files) {
      const kernel = readPsfFile(opts.files[i]);
      const fwhm = (Math.sqrt(kernelVariance(kernel)) * pixelScale) / FWHM_TO_SIGMA;
      return { kernel, fwhm, source: opts.files[i] };
    }
    const fwhm = opts.fwhm?.[i] ?? b.seeing;
    if (!(fwhm > 0)) throw new ConfigError(`psf.fwhm: ${fwhm} is not a positive FWHM`, 'psf.fwhm');
    const spec = opts.fwhm
      ? { type: 'gaussian' as const, fwhm }
      : { type: b.psf, fwhm: b.seeing, beta: b.moffat_beta };
    return {
      kernel: psfKernel(spec, pixelScale, maxSize),
      fwhm,
      source: opts.fwhm ? `gaussian ${fwhm}"` : `survey ${b.psf} ${b.seeing}"`,
    };
  });
}

/**
 * Convolves pixel planes of one cutout size with the bands' kernels as the simulator's renderer does (BandPlanes:
 * float32 WebAssembly passes for separable kernels of up to 17 taps, psf.ts otherwise), so that an injected arc has
 * the bytes the simulator would give the same light.
 */
export class PlaneConvolver {
  private readonly planes: BandPlanes;

  constructor(
    readonly size: number,
    private readonly kernels: readonly Kernel[],
  ) {
    this.planes = new BandPlanes(size, 1);
  }

  apply(pixels: ArrayLike<number>, band: number): Float64Array {
    const p = this.planes;
    p.view(p.total(0)).set(pixels);
    p.convolve(p.total(0), p.psf(0), this.kernels[band]);
    return Float64Array.from(p.view(p.psf(0)));
  }
}

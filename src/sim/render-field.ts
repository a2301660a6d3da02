/**
 * Unlensed Sérsic light rendered only where it is visible: over the box of pixels where it reaches 5% of the sky
 * noise of a pixel in some band. A cutout's field (scene/field.ts) holds twenty-odd galaxies, most of them faint
 * and small, so this keeps them cheaper than one full-frame light; central galaxies and contaminants take the same
 * path. Stars are points that the PSF then spreads.
 */
import type { BandPlanes } from './band-planes.js';
import { sersicForm } from './light/sersic-fast.js';
import type { NoiseModel } from './noise.js';
import type { SampleGrid } from './raster.js';
import type { Field, PlacedLight } from './scene/draw.js';
import type { PixelBox, SersicForm } from './wasm/kernels.js';

/** Light below this fraction of a pixel's sky noise is left out. */
export const FIELD_TRUNCATION = 0.05;

/** Per band, the flux per pixel (e-/s) below which light is left out. */
export type LightTruncation = Float64Array;

export function lightTruncation(models: readonly NoiseModel[]): LightTruncation {
  return Float64Array.from(
    models,
    (m) => (FIELD_TRUNCATION * Math.sqrt(m.skyPerPixel * m.exposureTotal + m.readVariance)) / m.exposureTotal,
  );
}

/**
 * Lensed Sérsic light is left out where its surface brightness (which lensing conserves) is below this fraction of
 * FIELD_TRUNCATION: most of the image plane maps far from a compact source, and its samples then skip the profile.
 * Ten times lower than for unlensed light, since the source's faint wings add up over the arcs' area (the
 * magnification and arc measures count them).
 */
export const LENSED_TRUNCATION = 0.1;

/** form with its cut where the lensed light falls below LENSED_TRUNCATION times the threshold in every band. */
export function truncateLensed(
  light: PlacedLight,
  form: SersicForm,
  area: number,
  threshold: LightTruncation,
): SersicForm {
  let k = 0;
  for (let b = 0; b < threshold.length; b++)
    k = Math.max(k, light.flux[b] / (LENSED_TRUNCATION * threshold[b]));
  return { ...form, cut: visibleU(form, area * k) };
}

/** Adds an unlensed Sérsic light into the planes' totals over the pixels where it is visible. */
export function addTruncated(
  light: PlacedLight,
  form: SersicForm,
  grid: SampleGrid,
  planes: BandPlanes,
  threshold: LightTruncation,
): void {
  let k = 0;
  for (let b = 0; b < threshold.length; b++) k = Math.max(k, light.flux[b] / threshold[b]);
  const area = grid.pixelScale * grid.pixelScale;
  const box = visibleBox(form, area * k, grid);
  if (box) planes.addInBox(form, grid, area, light.flux, box);
}

export function renderField(
  field: Field,
  grid: SampleGrid,
  planes: BandPlanes,
  threshold: LightTruncation,
): void {
  for (const light of field.lights) {
    if (light.shape.type === 'SERSIC_ELLIPSE' || light.shape.type === 'SERSIC')
      addTruncated(light, sersicForm(light.shape), grid, planes, threshold);
  }
  const h = (grid.size - 1) / 2;
  for (const p of field.points) planes.addPoint(h - p.y / grid.pixelScale, h + p.x / grid.pixelScale, p.flux);
}

/** The ellipse coordinate u within which form's brightness times `gain` exceeds 1 (at most its cut; 0: nowhere). */
export function visibleU(form: SersicForm, gain: number): number {
  const L = Math.log(form.a * gain);
  return L > 0 ? Math.min(form.cut, Math.pow(L / form.bn, 1 / form.half)) : 0;
}

/**
 * The pixels where form's brightness times `gain` exceeds 1, i.e. u <= (ln(a gain) / bn)^(2n) on the ellipse
 * u = A x^2 + B x y + C y^2; undefined when none does or the box misses the cutout.
 */
export function visibleBox(form: SersicForm, gain: number, grid: SampleGrid): PixelBox | undefined {
  const u = visibleU(form, gain);
  if (!(u > 0)) return undefined;
  const det = 4 * form.A * form.C - form.B * form.B;
  const hx = Math.sqrt((4 * u * form.C) / det),
    hy = Math.sqrt((4 * u * form.A) / det);
  const s = grid.pixelScale,
    h = (grid.size - 1) / 2;
  // pixel (r, c) is centred at x = (c - h) s, y = (h - r) s; half a pixel of slack for the samples inside it
  const c0 = Math.max(0, Math.floor((form.cx - hx) / s + h - 0.5)),
    c1 = Math.min(grid.size - 1, Math.ceil((form.cx + hx) / s + h + 0.5)),
    r0 = Math.max(0, Math.floor(h - (form.cy + hy) / s - 0.5)),
    r1 = Math.min(grid.size - 1, Math.ceil(h - (form.cy - hy) / s + 0.5));
  return c0 <= c1 && r0 <= r1 ? { r0, r1, c0, c1 } : undefined;
}

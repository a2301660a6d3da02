/**
 * Shading a scene into a cutout's planes (band-planes.ts): each light's shape evaluated once on the supersampled grid
 * (ray-traced once for all lensed lights) and scaled per band by its flux; the arcs' measures after the PSF
 * (magnification, SNR, contrast, span); noiseless renders for injection and posterior estimation. render.ts draws the
 * scenes and applies the cuts.
 */
import { rayShootInto, sieShearPass } from './lens/ray-shoot-fast.js';
import { addLight } from './light/index.js';
import { sersicForm } from './light/sersic-fast.js';
import { shapeForm } from './light/shapes.js';
import { BandPlanes } from './band-planes.js';
import type { NoiseModel } from './noise.js';
import type { Kernel } from './psf.js';
import type { PixelBox } from './wasm/kernels.js';
import { downsampleInto, sampleGrid, type SampleGrid } from './raster.js';
import { addTruncated, lightTruncation, truncateLensed, type LightTruncation } from './render-field.js';
import { lensedReach } from './lensed-reach.js';
import type { PlacedLight, Scene } from './scene/draw.js';

/** Scratch of one (grid, band count), reused by every cutout rendered on this thread. */
interface Workspace {
  /** The cutout's planes in the WebAssembly memory (band-planes.ts). */
  planes: BandPlanes;
  /** Sample-grid scratch for lights that are not Sérsic profiles behind an SIE + shear. */
  samples: Float64Array;
  bx: Float64Array;
  by: Float64Array;
  pix: Float64Array;
}

const workspaces = new Map<string, Workspace>();

export function workspace(grid: SampleGrid, nb: number): Workspace {
  const key = `${grid.size}|${grid.x.length}|${nb}`;
  let ws = workspaces.get(key);
  if (!ws) {
    const ns = grid.x.length;
    ws = {
      planes: new BandPlanes(grid.size, nb),
      samples: new Float64Array(ns),
      bx: new Float64Array(ns),
      by: new Float64Array(ns),
      pix: new Float64Array(grid.size * grid.size),
    };
    if (workspaces.size > 8) workspaces.clear();
    workspaces.set(key, ws);
  }
  return ws;
}

/**
 * Shades a scene into the planes' totals and arcs (per band, flux per pixel): each light's shape is evaluated once
 * on the sample grid (ray-traced once for all lensed lights) and scaled per band by its flux, since bands differ
 * only in amplitude. Returns the source's magnification.
 */
export function shade(scene: Scene, grid: SampleGrid, ws: Workspace, truncation?: LightTruncation): number {
  const planes = ws.planes;
  const area = grid.pixelScale * grid.pixelScale;
  planes.clear();
  let magnification = NaN;
  // the kernels' form of each light (Sérsic, spiral, ring); undefined: the TypeScript path
  const forms = scene.lights.map((light) => {
    const shape = light.shape;
    if (shape.type !== 'SERSIC_ELLIPSE' && shape.type !== 'SERSIC') return shapeForm(shape);
    const form = sersicForm(shape);
    return truncation && light.lensed ? truncateLensed(light, form, area, truncation) : form;
  });
  // with truncated Sérsic sources behind an SIE + shear, only the pixels their light can reach are ray-shot
  const lensedForms = forms.filter((_, i) => scene.lights[i].lensed);
  const pass = lensedForms.length ? sieShearPass(scene.mass) : undefined;
  const reach = truncation && pass ? lensedReach(lensedForms, pass, grid) : undefined;
  // where the lensed lights' source-plane positions are: not yet, in the kernels' memory, or in ws.bx, ws.by
  let rays: 'none' | 'kernel' | 'arrays' = 'none';
  for (let i = 0; i < scene.lights.length; i++) {
    const light = scene.lights[i],
      form = forms[i];
    // unlensed Sérsic light: only where it is visible (render-field.ts)
    if (truncation && !light.lensed && form?.shape === 'sersic') {
      addTruncated(light, form, grid, planes, truncation);
      continue;
    }
    let done = false;
    if (light.lensed && rays === 'none') {
      // the first lensed light behind an SIE + shear: ray shooting in the same kernel call
      if (pass && form) {
        // the positions as arrays too if a later lensed light takes the TypeScript path
        const arrays = scene.lights.some((l, j) => j > i && l.lensed && !forms[j]);
        planes.lensed(form, pass, grid, area, arrays ? { bx: ws.bx, by: ws.by } : undefined, reach);
        rays = arrays ? 'arrays' : 'kernel';
        done = true;
      } else {
        rayShootInto(scene.mass, grid.x, grid.y, ws.bx, ws.by);
        rays = 'arrays';
      }
    }
    const xs = light.lensed ? ws.bx : grid.x,
      ys = light.lensed ? ws.by : grid.y;
    if (done) {
      // pixels already in place
    } else if (form) {
      // lensed: at the last ray shooting's positions, which the kernels kept
      const at = !light.lensed ? undefined : rays === 'arrays' ? { x: xs, y: ys } : 'rays';
      planes.light(form, grid, area, at, reach);
    } else {
      ws.samples.fill(0);
      addLight(light.shape, xs, ys, ws.samples);
      downsampleInto(grid, ws.samples, ws.pix, area);
      planes.setPix(ws.pix);
    }
    // shapes have unit total flux, so the flux the pixels receive is the magnification of the (lensed) source
    const received = planes.accumulate(light.flux, light.lensed);
    if (light.role === 'source') magnification = received;
  }
  return magnification;
}

/**
 * Renders a lens scene into the grid's workspace and measures its arcs: the source's magnification, and over the
 * bands the best arc signal-to-noise and contrast (render.ts's cuts). `image(b)` names the plane of band b that noise
 * is added to (through the PSF when there is one); the planes stay filled for the caller, except that the PSF's
 * planes hold all light through the PSF only where the arcs reach: `reaches`, per band (none without a PSF).
 */
export function measureArcs(
  scene: Scene,
  grid: SampleGrid,
  nb: number,
  kernels: readonly Kernel[],
  models: readonly NoiseModel[],
  image: (planes: BandPlanes, b: number) => number,
  truncation: LightTruncation,
): { magnification: number; snr: number; contrast: number; span: number; reaches: PixelBox[] } {
  const ws = workspace(grid, nb);
  const planes = ws.planes;
  const magnification = shade(scene, grid, ws, truncation);
  const centre = scene.mass[0] as { center_x?: number; center_y?: number } | undefined;
  const cx = centre?.center_x ?? 0,
    cy = centre?.center_y ?? 0;
  let snr = 0,
    contrast = 0,
    span = 0;
  const reaches: PixelBox[] = [];
  for (let b = 0; b < nb; b++) {
    let arc = planes.arc(b);
    let reach: PixelBox | undefined;
    if (kernels.length) {
      // the arcs' measures read all light through the PSF only where the arcs are: it is computed only there
      reach = planes.convolveCompact(arc, planes.arcPsf, kernels[b]);
      planes.convolve(planes.total(b), planes.psf(b), kernels[b], reach);
      reaches.push(reach);
      arc = planes.arcPsf;
    }
    const m = planes.arcMeasures(arc, image(planes, b), models[b], cx, cy, grid.pixelScale, reach);
    snr = Math.max(snr, m.snr);
    contrast = Math.max(contrast, m.contrast);
    span = Math.max(span, m.span);
  }
  return { magnification, snr, contrast, span, reaches };
}

/** The grid of a cutout with one sample at each pixel's centre (a quick look at a draw). */
export function coarseGrid(grid: SampleGrid): SampleGrid {
  return sampleGrid(grid.size, grid.pixelScale, { factor: 1, centralFactor: 1, centralRadius: 0 });
}

// the quick look refuses a draw only when it falls this far short of a cut (it misjudges compact arcs by tens of
// per cent); every kept lens passes the cuts on the full render
export const SCREEN_MARGIN = 0.6;

/** Noiseless pixel images of a scene: all light, and the lensed light alone; plus the source's magnification. */
export function renderNoiseless(scene: Scene, grid: SampleGrid, nb: number) {
  const ws = workspace(grid, nb);
  const magnification = shade(scene, grid, ws);
  const copy = (ptr: (b: number) => number) =>
    Array.from({ length: nb }, (_, b) => Float64Array.from(ws.planes.view(ptr.call(ws.planes, b))));
  return { total: copy(ws.planes.total), arc: copy(ws.planes.arc), magnification };
}

/** Per band, the pixels of unlensed Sérsic lights rendered over their visible boxes only (render-field.ts). */
export function renderLightsTruncated(
  lights: readonly PlacedLight[],
  grid: SampleGrid,
  nb: number,
  models: readonly NoiseModel[],
): Float64Array[] {
  const ws = workspace(grid, nb);
  ws.planes.clear();
  const threshold = lightTruncation(models);
  for (const light of lights)
    if (light.shape.type === 'SERSIC_ELLIPSE' || light.shape.type === 'SERSIC')
      addTruncated(light, sersicForm(light.shape), grid, ws.planes, threshold);
  return Array.from({ length: nb }, (_, b) => Float64Array.from(ws.planes.view(ws.planes.total(b))));
}

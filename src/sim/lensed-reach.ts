/**
 * Where a truncated lensed source can put light in the image plane, so that only those pixels are ray-shot.
 *
 * A sample θ adds light only if its source-plane position β = θ − α(θ) falls inside the source's cut ellipse,
 * within R_cut of the source's centre s. For an SIE + external shear, |α(θ)| ≤ A + γ|θ|: the SIE's deflection is
 * bounded everywhere (in lenstronomy's form, f atan(X) ≤ f atan(√(1 − q²) / q) and f atanh(Y) ≤ f atanh(√(1 − q²)),
 * f for an SIS) and the shear's is γ|θ| about the origin. So |θ − s| ≤ |θ − β| + |β − s| ≤ A + γ(|θ − s| + |s|) +
 * R_cut, i.e. |θ − s| ≤ (A + γ|s| + R_cut) / (1 − γ). Outside that disk (plus a pixel of slack for the samples'
 * spread within their pixel and float32 rounding) every sample gives exactly 0, so skipping it changes no bit.
 */
import type { SieShearPass } from './lens/ray-shoot-fast.js';
import type { SampleGrid } from './raster.js';
import type { LightForm, PixelBox } from './wasm/kernels.js';

/**
 * The box of pixels holding every sample whose ray can land inside one of the lensed lights' cuts, or undefined
 * when some light's reach is unbounded (not a Sérsic form, no finite cut, a shear of 1 or more).
 */
export function lensedReach(
  forms: readonly (LightForm | undefined)[],
  pass: SieShearPass,
  grid: SampleGrid,
): PixelBox | undefined {
  const gamma = Math.hypot(pass.g1, pass.g2);
  if (!(gamma < 1)) return undefined;
  const deflection = deflectionBound(pass);
  const s = grid.pixelScale,
    h = (grid.size - 1) / 2;
  let box: PixelBox | undefined;
  for (const form of forms) {
    if (form?.shape !== 'sersic') return undefined;
    // the cut ellipse u = A dx² + B dx dy + C dy² ≤ cut lies within sqrt(cut / λ_min) of its centre
    const lambda = (form.A + form.C) / 2 - Math.hypot((form.A - form.C) / 2, form.B / 2);
    const radius = Math.sqrt(form.cut / lambda);
    if (!(lambda > 0) || !Number.isFinite(radius)) return undefined;
    const reach = (deflection + gamma * Math.hypot(form.cx, form.cy) + radius) / (1 - gamma);
    const d = reach * (1 + 1e-4) + s; // a pixel's width of slack
    const light = {
      c0: Math.max(0, Math.floor((form.cx - d) / s + h)),
      c1: Math.min(grid.size - 1, Math.ceil((form.cx + d) / s + h)),
      r0: Math.max(0, Math.floor(h - (form.cy + d) / s)),
      r1: Math.min(grid.size - 1, Math.ceil(h - (form.cy - d) / s)),
    };
    box = box
      ? {
          r0: Math.min(box.r0, light.r0),
          r1: Math.max(box.r1, light.r1),
          c0: Math.min(box.c0, light.c0),
          c1: Math.max(box.c1, light.c1),
        }
      : light;
  }
  return box;
}

/** An upper bound on |α| of the pass's SIE (or SIS) anywhere. */
function deflectionBound(pass: SieShearPass): number {
  if (pass.q >= 1) return pass.f;
  const sq = Math.sqrt(1 - pass.q * pass.q);
  return pass.f * Math.hypot(Math.atan(sq / pass.q), Math.atanh(sq)) * (1 + 1e-4);
}

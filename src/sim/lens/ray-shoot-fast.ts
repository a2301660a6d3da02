/**
 * Ray shooting for rendering, into caller-owned arrays: beta = theta - alpha(theta), the deflections of
 * deflection() (index.ts) with the SIE's angular functions tabulated per lens (below) and the external shear
 * fused into the same pass; beta agrees with rayShoot() to < 1e-9 arcsec (test/sim/fast-render.test.ts).
 */
import { ellipticityToPhiQ } from '../ellipticity.js';
import { massProfile, type MassComponent } from './profiles.js';
import { sieDeflection, type SieParams } from './sie.js';

const Q_ROUND = 1 - 1e-8; // sie.ts
const R_MIN = 1e-12;

/**
 * The SIE deflection is homogeneous of degree 0: in the major-axis frame alpha_x' = f sign(x') G(p) and
 * alpha_y' = f sign(y') H(p), functions of the direction only, p = |y'| / (|x'| + |y'|) in [0, 1]:
 *   G(p) = atan(sqrt(1-q^2) (1-p) / psi), H(p) = atanh(sqrt(1-q^2) p / psi), psi = sqrt(q^2 (1-p)^2 + p^2).
 * So per lens, G and H are tabulated over p (cubic Hermite with exact derivatives) and each sample costs one
 * division and two cubic polynomials instead of an atan and an atanh. Error < 1e-9 rad for q >= 0.1 (scaled by
 * f = theta_E sqrt(q / (1 - q^2))); below q = 0.1 the direct formula is used.
 */
interface SieTable {
  cells: number;
  g: Float64Array;
  h: Float64Array;
}

const TABLE_MIN_Q = 0.1;
const tables = new Map<number, SieTable>();

function sieTable(q: number): SieTable {
  const cells = q >= 0.3 ? 256 : 1024;
  let t = tables.get(cells);
  if (!t) {
    t = { cells, g: new Float64Array(4 * cells), h: new Float64Array(4 * cells) };
    tables.set(cells, t);
  }
  const sq = Math.sqrt(1 - q * q),
    q2 = q * q,
    dp = 1 / cells;
  let g0 = 0,
    h0 = 0,
    dg0 = 0,
    dh0 = 0;
  for (let j = 0; j <= cells; j++) {
    const p = j * dp,
      m = 1 - p;
    const X = sq * m,
      Y = sq * p;
    const psi = Math.sqrt(q2 * m * m + p * p);
    const dpsi = (p - q2 * m) / psi;
    const g1 = Math.atan(X / psi),
      h1 = Math.atanh(Y / psi);
    // d/dp atan(X / psi) = (X' psi - X psi') / (psi^2 + X^2); d/dp atanh(Y / psi) = (Y' psi - Y psi') / (psi^2 - Y^2)
    const dg1 = ((-sq * psi - X * dpsi) / (m * m + p * p)) * dp;
    const dh1 = ((sq * psi - Y * dpsi) / (q2 * (m * m + p * p))) * dp;
    if (j > 0) {
      const k = 4 * (j - 1);
      t.g[k] = g0;
      t.g[k + 1] = dg0;
      t.g[k + 2] = 3 * (g1 - g0) - 2 * dg0 - dg1;
      t.g[k + 3] = 2 * (g0 - g1) + dg0 + dg1;
      t.h[k] = h0;
      t.h[k + 1] = dh0;
      t.h[k + 2] = 3 * (h1 - h0) - 2 * dh0 - dh1;
      t.h[k + 3] = 2 * (h0 - h1) + dh0 + dh1;
    }
    g0 = g1;
    h0 = h1;
    dg0 = dg1;
    dh0 = dh1;
  }
  return t;
}

/**
 * An SIE + external shear pair for the sample kernels (lensedPixelsPtr; wasm/sim/lens.ts): axis ratio q < 1
 * with f = theta_E sqrt(q / (1 - q^2)) and the major axis at (cos, sin) = (c, s), or q = 1 and f = theta_E for its
 * SIS limit. The kernels evaluate lenstronomy's SIE directly on four float32 lanes (atan and atanh polynomials):
 * beta within 1e-6 arcsec of rayShoot()'s over a cutout of 13 arcsec (test/sim/fast-render.test.ts).
 */
export interface SieShearPass {
  q: number;
  f: number;
  c: number;
  s: number;
  cx: number;
  cy: number;
  g1: number;
  g2: number;
}

/**
 * The pass of a lens made of one SIE (optionally followed by a SHEAR), or undefined for other lenses and for SIEs
 * flatter than q = 0.1 (which take rayShootInto's direct formulas).
 */
export function sieShearPass(components: readonly MassComponent[]): SieShearPass | undefined {
  const [sie, shear] = components;
  if (!sie || sie.type !== 'SIE' || components.length > 2 || (shear && shear.type !== 'SHEAR'))
    return undefined;
  const { phi, q } = ellipticityToPhiQ(sie.e1, sie.e2);
  if (q < TABLE_MIN_Q) return undefined;
  const g1 = shear ? shear.gamma1 : 0,
    g2 = shear ? shear.gamma2 : 0;
  const cx = sie.center_x ?? 0,
    cy = sie.center_y ?? 0;
  if (q >= Q_ROUND) return { q: 1, f: sie.theta_E, c: 1, s: 0, cx, cy, g1, g2 };
  const f = (sie.theta_E * Math.sqrt(q)) / Math.sqrt(1 - q * q);
  return { q, f, c: Math.cos(phi), s: Math.sin(phi), cx, cy, g1, g2 };
}

/** Subtracts the SIE deflection (and, fused into the same pass, an external shear g1, g2) from (bx, by). */
function sieSubtract(
  p: SieParams,
  x: Float64Array,
  y: Float64Array,
  bx: Float64Array,
  by: Float64Array,
  g1 = 0,
  g2 = 0,
): void {
  const { phi, q } = ellipticityToPhiQ(p.e1, p.e2);
  if (q >= Q_ROUND || q < TABLE_MIN_Q) {
    // the SIS limit (exact and cheap already) and very flat lenses: the direct formulas
    const tmp = { ax: new Float64Array(x.length), ay: new Float64Array(x.length) };
    sieDeflection(p, x, y, tmp);
    for (let i = 0; i < x.length; i++) {
      bx[i] -= tmp.ax[i] + g1 * x[i] + g2 * y[i];
      by[i] -= tmp.ay[i] + g2 * x[i] - g1 * y[i];
    }
    return;
  }
  const { cells, g: G, h: H } = sieTable(q);
  const cx = p.center_x ?? 0,
    cy = p.center_y ?? 0;
  const c = Math.cos(phi),
    s = Math.sin(phi);
  const f = (p.theta_E * Math.sqrt(q)) / Math.sqrt(1 - q * q);
  const last = cells - 1;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i],
      yi = y[i];
    let ax = g1 * xi + g2 * yi,
      ay = g2 * xi - g1 * yi;
    const dx = xi - cx,
      dy = yi - cy;
    const xr = c * dx + s * dy;
    const yr = -s * dx + c * dy;
    const a = xr < 0 ? -xr : xr,
      b = yr < 0 ? -yr : yr;
    const sum = a + b;
    if (sum >= R_MIN) {
      const u = (b / sum) * cells;
      let j = u | 0;
      if (j > last) j = last;
      const t = u - j,
        k = j << 2;
      let gx = f * (G[k] + t * (G[k + 1] + t * (G[k + 2] + t * G[k + 3])));
      let hy = f * (H[k] + t * (H[k + 1] + t * (H[k + 2] + t * H[k + 3])));
      if (xr < 0) gx = -gx;
      if (yr < 0) hy = -hy;
      ax += c * gx - s * hy;
      ay += s * gx + c * hy;
    }
    bx[i] = xi - ax;
    by[i] = yi - ay;
  }
}

/** beta = theta - alpha(theta) of the sum of `components`, written into (bx, by). */
export function rayShootInto(
  components: readonly MassComponent[],
  x: Float64Array,
  y: Float64Array,
  bx: Float64Array,
  by: Float64Array,
): void {
  bx.set(x);
  by.set(y);
  for (let n = 0; n < components.length; n++) {
    const c = components[n];
    if (c.type === 'SIE') {
      // the common SIE + SHEAR pair in one pass (the SIE loop writes bx = x - alpha, so it must come first)
      const next = components[n + 1];
      const shear = n === 0 && next?.type === 'SHEAR' ? next : undefined;
      if (n === 0) sieSubtract(c, x, y, bx, by, shear?.gamma1 ?? 0, shear?.gamma2 ?? 0);
      else sieSubtractAdd(c, x, y, bx, by);
      if (shear) n++;
    } else if (c.type === 'SHEAR') {
      const g1 = c.gamma1,
        g2 = c.gamma2;
      for (let i = 0; i < x.length; i++) {
        bx[i] -= g1 * x[i] + g2 * y[i];
        by[i] -= g2 * x[i] - g1 * y[i];
      }
    } else {
      // any other profile: its deflection from the registry, then subtracted
      const tmp = { ax: new Float64Array(x.length), ay: new Float64Array(x.length) };
      massProfile(c).deflection(c, x, y, tmp);
      for (let i = 0; i < x.length; i++) {
        bx[i] -= tmp.ax[i];
        by[i] -= tmp.ay[i];
      }
    }
  }
}

/** A second (or later) SIE: its deflection subtracted from the beta accumulated so far. */
function sieSubtractAdd(
  p: SieParams,
  x: Float64Array,
  y: Float64Array,
  bx: Float64Array,
  by: Float64Array,
): void {
  const tmp = { ax: new Float64Array(x.length), ay: new Float64Array(x.length) };
  sieDeflection(p, x, y, tmp);
  for (let i = 0; i < x.length; i++) {
    bx[i] -= tmp.ax[i];
    by[i] -= tmp.ay[i];
  }
}

import { DataError } from '../errors.js';
import type { FitsValue } from './fits.js';

/**
 * A FITS celestial WCS: the gnomonic (TAN) projection of Calabretta & Greisen 2002 (FITS WCS paper II), with the
 * linear part as a CD matrix or PC + CDELT, and Simple Imaging Polynomial distortion (Shupe et al. 2005) when
 * CTYPE ends in -SIP. Pixel coordinates are 0-based with FITS orientation (x along NAXIS1; y along NAXIS2, row 0
 * at the BOTTOM), as astropy's `all_world2pix(..., 0)`. Angles in degrees.
 */
export interface Wcs {
  pixelToWorld(x: number, y: number): [ra: number, dec: number];
  /** NaN where the position is on the far side of the projection. */
  worldToPixel(ra: number, dec: number): [x: number, y: number];
}

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;

/** SIP polynomial Σ c[p][q] u^p v^q with its partial derivatives. */
interface Poly {
  terms: [p: number, q: number, c: number][];
}

function evalPoly(poly: Poly, u: number, v: number): [f: number, du: number, dv: number] {
  let f = 0;
  let du = 0;
  let dv = 0;
  for (const [p, q, c] of poly.terms) {
    f += c * u ** p * v ** q;
    if (p > 0) du += c * p * u ** (p - 1) * v ** q;
    if (q > 0) dv += c * q * u ** p * v ** (q - 1);
  }
  return [f, du, dv];
}

/** Parses the WCS of a FITS header (`source` names the file in errors). */
export function parseWcs(header: Record<string, FitsValue>, source: string): Wcs {
  const num = (key: string, dflt?: number): number => {
    const v = header[key];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new DataError(
        `${source}: WCS keyword ${key} must be a number, found ${JSON.stringify(v ?? null)}` +
          (dflt === undefined ? ' (a TAN WCS needs CRVAL1/2, CRPIX1/2 and CD or CDELT)' : ''),
        source,
      );
    }
    return v;
  };
  const c1 = String(header.CTYPE1 ?? '');
  const c2 = String(header.CTYPE2 ?? '');
  const sip = c1.endsWith('-SIP') && c2.endsWith('-SIP');
  if (!/^RA---TAN(-SIP)?$/.test(c1) || !/^DEC--TAN(-SIP)?$/.test(c2)) {
    throw new DataError(
      `${source}: WCS CTYPE1/CTYPE2 are ${JSON.stringify(c1)}/${JSON.stringify(c2)}; ` +
        'expected RA---TAN/DEC--TAN (optionally -SIP): other projections are not supported',
      source,
    );
  }
  const crpix = [num('CRPIX1'), num('CRPIX2')];
  const ra0 = num('CRVAL1') * D2R;
  const dec0 = num('CRVAL2') * D2R;
  // Zenithal projections: the native pole is the reference point; LONPOLE defaults to 180 degrees.
  const phiP = num('LONPOLE', 180) * D2R;
  let cd: number[];
  if (header.CD1_1 !== undefined || header.CD2_2 !== undefined) {
    cd = [num('CD1_1', 0), num('CD1_2', 0), num('CD2_1', 0), num('CD2_2', 0)];
  } else {
    const [s1, s2] = [num('CDELT1'), num('CDELT2')];
    cd = [s1 * num('PC1_1', 1), s1 * num('PC1_2', 0), s2 * num('PC2_1', 0), s2 * num('PC2_2', 1)];
  }
  const det = cd[0] * cd[3] - cd[1] * cd[2];
  if (det === 0) throw new DataError(`${source}: the WCS matrix (CD or PC x CDELT) is singular`, source);
  const inv = [cd[3] / det, -cd[1] / det, -cd[2] / det, cd[0] / det];
  const poly = (name: 'A' | 'B' | 'AP' | 'BP'): Poly | null => {
    if (header[`${name}_ORDER`] === undefined) return null;
    const order = num(`${name}_ORDER`);
    const terms: Poly['terms'] = [];
    for (let p = 0; p <= order; p++) {
      for (let q = 0; q <= order - p; q++) {
        const c = header[`${name}_${p}_${q}`];
        if (c !== undefined) terms.push([p, q, num(`${name}_${p}_${q}`)]);
      }
    }
    return { terms };
  };
  const [A, B, AP, BP] = sip ? [poly('A'), poly('B'), poly('AP'), poly('BP')] : [null, null, null, null];
  if (sip && (!A || !B)) throw new DataError(`${source}: a -SIP WCS needs A_ORDER and B_ORDER`, source);

  const pixelToWorld = (x: number, y: number): [number, number] => {
    let u = x + 1 - crpix[0];
    let v = y + 1 - crpix[1];
    if (A && B) [u, v] = [u + evalPoly(A, u, v)[0], v + evalPoly(B, u, v)[0]];
    const X = cd[0] * u + cd[1] * v;
    const Y = cd[2] * u + cd[3] * v;
    const r = Math.hypot(X, Y);
    const phi = r === 0 ? 0 : Math.atan2(X, -Y);
    const theta = Math.atan2(R2D, r);
    const dphi = phi - phiP;
    const dec = Math.asin(
      Math.sin(theta) * Math.sin(dec0) + Math.cos(theta) * Math.cos(dec0) * Math.cos(dphi),
    );
    const ra =
      ra0 +
      Math.atan2(
        -Math.cos(theta) * Math.sin(dphi),
        Math.sin(theta) * Math.cos(dec0) - Math.cos(theta) * Math.sin(dec0) * Math.cos(dphi),
      );
    return [(((ra * R2D) % 360) + 360) % 360, dec * R2D];
  };

  const worldToPixel = (ra: number, dec: number): [number, number] => {
    const a = ra * D2R - ra0;
    const d = dec * D2R;
    // The rotation's components: cos(theta) sin(phi - phiP) and cos(theta) cos(phi - phiP); cos(theta) from their
    // norm, not sqrt(1 - sin^2), which loses the digits that matter near the tangent point.
    const s1 = -Math.cos(d) * Math.sin(a);
    const s2 = Math.sin(d) * Math.cos(dec0) - Math.cos(d) * Math.sin(dec0) * Math.cos(a);
    const phi = phiP + Math.atan2(s1, s2);
    const sinTheta = Math.sin(d) * Math.sin(dec0) + Math.cos(d) * Math.cos(dec0) * Math.cos(a);
    if (sinTheta <= 0) return [NaN, NaN];
    const r = (R2D * Math.hypot(s1, s2)) / sinTheta;
    const X = r * Math.sin(phi);
    const Y = -r * Math.cos(phi);
    const U = inv[0] * X + inv[1] * Y;
    const V = inv[2] * X + inv[3] * Y;
    let [u, v] = [U, V];
    if (A && B) {
      // Invert u + A(u, v) = U, v + B(u, v) = V by Newton's method from AP/BP's estimate (or from U, V).
      if (AP && BP) [u, v] = [U + evalPoly(AP, U, V)[0], V + evalPoly(BP, U, V)[0]];
      for (let k = 0; k < 50; k++) {
        const [fa, au, av] = evalPoly(A, u, v);
        const [fb, bu, bv] = evalPoly(B, u, v);
        const ru = u + fa - U;
        const rv = v + fb - V;
        const [j11, j12, j21, j22] = [1 + au, av, bu, 1 + bv];
        const jd = j11 * j22 - j12 * j21;
        const du = (j22 * ru - j12 * rv) / jd;
        const dv = (-j21 * ru + j11 * rv) / jd;
        u -= du;
        v -= dv;
        if (Math.abs(du) + Math.abs(dv) < 1e-12) break;
      }
    }
    return [u + crpix[0] - 1, v + crpix[1] - 1];
  };
  return { pixelToWorld, worldToPixel };
}

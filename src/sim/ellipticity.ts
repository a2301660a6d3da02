/**
 * lenstronomy's ellipticity convention: e1 = (1-q)/(1+q) cos 2phi, e2 = (1-q)/(1+q) sin 2phi, phi counter-clockwise
 * from +x. |e| is capped at 0.9999 as lenstronomy's ellipticity2phi_q does.
 */
export function ellipticityToPhiQ(e1: number, e2: number): { phi: number; q: number } {
  const phi = Math.atan2(e2, e1) / 2;
  const c = Math.min(Math.sqrt(e1 * e1 + e2 * e2), 0.9999);
  return { phi, q: (1 - c) / (1 + c) };
}

export function phiQToEllipticity(phi: number, q: number): { e1: number; e2: number } {
  const e = (1 - q) / (1 + q);
  return { e1: e * Math.cos(2 * phi), e2: e * Math.sin(2 * phi) };
}

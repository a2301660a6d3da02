/** Regularized incomplete gamma P(a, x) and the inverse P(a, ·)^-1, for the exact Sérsic b_n. */
import { LensfindError } from '../../errors.js';
import { logGamma } from '../rng.js';

export { logGamma };

/** P(a, x): series for x < a + 1, Lentz continued fraction for Q otherwise (Numerical Recipes 6.2). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnPre = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let ap = a,
      sum = 1 / a,
      del = sum;
    for (let n = 0; n < 1000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(lnPre);
  }
  const tiny = 1e-300;
  let b = x + 1 - a,
    c = 1 / tiny,
    d = 1 / b,
    h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return 1 - Math.exp(lnPre) * h;
}

/** x with P(a, x) = p, by safeguarded Newton (derivative x^(a-1) e^-x / Γ(a)) inside a shrinking bracket. */
export function gammaPInv(a: number, p: number): number {
  if (!(p > 0 && p < 1)) throw new LensfindError('E_SIM', `gammaPInv: p must be in (0, 1), got ${p}`);
  let lo = 0,
    hi = Math.max(1, a);
  while (gammaP(a, hi) < p) hi *= 2;
  let x = Math.max(1e-12, a - 1 / 3); // median of Gamma(a) ~ a - 1/3
  if (x >= hi) x = hi / 2;
  const lg = logGamma(a);
  for (let it = 0; it < 200; it++) {
    const f = gammaP(a, x) - p;
    if (f > 0) hi = x;
    else lo = x;
    const dens = Math.exp((a - 1) * Math.log(x) - x - lg);
    let nx = x - f / dens;
    if (!(nx > lo && nx < hi)) nx = 0.5 * (lo + hi);
    if (Math.abs(nx - x) <= 1e-15 * Math.max(1, x)) return nx;
    x = nx;
  }
  return x;
}

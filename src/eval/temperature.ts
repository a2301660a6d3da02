import { checkBinary, requireBothClasses, type Numbers } from '../metrics/validate.js';
import { sigmoid } from '../metrics/sigmoid.js';

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Mean binary cross-entropy of sigmoid(logits / T): the quantity temperature scaling minimises. */
export function temperatureNll(logits: Numbers, labels: Numbers, temperature: number): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i] / temperature;
    sum += softplus(z) - labels[i] * z;
  }
  return sum / logits.length;
}

const MIN_T = 1e-3;
const MAX_T = 1e3;

/**
 * Fits the temperature T of `sigmoid(logit / T)` by minimising the mean NLL on (logits, labels). The NLL is
 * convex in β = 1/T, so its derivative is monotone in log β and bisection finds the minimum exactly; T is
 * kept in [1e-3, 1e3] (a bound is returned when data are separable or anti-correlated).
 */
export function fitTemperature(logits: Numbers, labels: Numbers): number {
  checkBinary(labels, logits, 'fitTemperature');
  requireBothClasses(labels, 'fitTemperature');
  // dNLL/dβ = mean((σ(βz) − y) z)
  const slope = (beta: number): number => {
    let g = 0;
    for (let i = 0; i < logits.length; i++) g += (sigmoid(beta * logits[i]) - labels[i]) * logits[i];
    return g;
  };
  let lo = Math.log(1 / MAX_T);
  let hi = Math.log(1 / MIN_T);
  if (slope(Math.exp(lo)) >= 0) return MAX_T;
  if (slope(Math.exp(hi)) <= 0) return MIN_T;
  for (let iter = 0; iter < 100 && hi - lo > 1e-13; iter++) {
    const mid = (lo + hi) / 2;
    if (slope(Math.exp(mid)) < 0) lo = mid;
    else hi = mid;
  }
  return 1 / Math.exp((lo + hi) / 2);
}

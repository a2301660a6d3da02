/** The logistic function, computed without overflow. */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(p / (1 − p)). */
export function logit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}

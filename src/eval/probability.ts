import { LensfindError } from '../errors.js';
import { checkBinary, checkProbabilities, type Numbers } from '../metrics/validate.js';

/** scikit-learn's `brier_score_loss`: mean squared difference between label and probability. */
export function brier(labels: Numbers, probs: Numbers): number {
  checkBinary(labels, probs, 'brier');
  checkProbabilities(probs, 'brier');
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += (labels[i] - probs[i]) ** 2;
  return sum / labels.length;
}

/**
 * scikit-learn 1.2's `log_loss` (binary): probabilities clipped to [eps, 1 − eps], the pair (1 − p, p)
 * renormalised, mean of −log p(true class). sklearn 1.2's default eps is "auto" = float64 machine epsilon
 * (2.2e-16, our default); pass `{ eps: 1e-15 }` for the pre-1.2 default. Throws E_ONE_CLASS with one class,
 * where sklearn raises unless told the labels.
 */
export function logLoss(labels: Numbers, probs: Numbers, opts: { eps?: number } = {}): number {
  checkBinary(labels, probs, 'logLoss');
  const eps = opts.eps ?? Number.EPSILON;
  let positives = 0;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(probs[i], eps), 1 - eps);
    const q = 1 - p; // sklearn clips p, then forms (1 - p, p) and renormalises
    const total = p + q;
    sum -= Math.log((labels[i] === 1 ? p : q) / total);
    positives += labels[i];
  }
  if (positives === 0 || positives === labels.length) {
    throw new LensfindError(
      'E_ONE_CLASS',
      `logLoss: labels contain only one class (${positives} of ${labels.length} positive); expected both`,
    );
  }
  return sum / labels.length;
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability in the bin (NaN if empty). */
  meanPredicted: number;
  /** Fraction of lenses in the bin (NaN if empty). */
  fractionPositive: number;
}

/**
 * Equal-width probability bins as scikit-learn's `calibration_curve(strategy='uniform')`: edges k/nBins,
 * a probability on an inner edge goes to the lower bin, bin 0 is [0, 1/nBins]. Empty bins are kept (NaN).
 */
export function reliabilityCurve(labels: Numbers, probs: Numbers, nBins = 15): ReliabilityBin[] {
  checkBinary(labels, probs, 'reliabilityCurve');
  checkProbabilities(probs, 'reliabilityCurve');
  const step = 1 / nBins;
  const edges = Array.from({ length: nBins + 1 }, (_, k) => (k === nBins ? 1 : k * step));
  const count = new Array<number>(nBins).fill(0);
  const sumP = new Array<number>(nBins).fill(0);
  const sumY = new Array<number>(nBins).fill(0);
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    let b = Math.min(nBins - 1, Math.floor(p * nBins));
    // searchsorted(edges[1:-1], p, 'left'): the number of inner edges strictly below p.
    while (b > 0 && edges[b] >= p) b--;
    while (b < nBins - 1 && edges[b + 1] < p) b++;
    count[b]++;
    sumP[b] += p;
    sumY[b] += labels[i];
  }
  return count.map((c, b) => ({
    lower: edges[b],
    upper: edges[b + 1],
    count: c,
    meanPredicted: c ? sumP[b] / c : NaN,
    fractionPositive: c ? sumY[b] / c : NaN,
  }));
}

/**
 * Expected calibration error of the lens probability: Σ_b (n_b / N) |fractionPositive_b − meanPredicted_b|
 * over `nBins` (default 15) equal-width bins of `reliabilityCurve`.
 */
export function expectedCalibrationError(labels: Numbers, probs: Numbers, nBins = 15): number {
  let ece = 0;
  for (const bin of reliabilityCurve(labels, probs, nBins)) {
    if (bin.count) ece += (bin.count / labels.length) * Math.abs(bin.fractionPositive - bin.meanPredicted);
  }
  return ece;
}

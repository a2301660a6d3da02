import { binaryClfCurve } from './curves.js';
import { checkBinary, requireBothClasses, type Numbers } from './validate.js';
import { LensfindError } from '../errors.js';

export interface OperatingPoint {
  /** Scores >= threshold are called lenses; max(score) + 1 selects nothing (the (0, 0) point). */
  threshold: number;
  tpr: number;
  fpr: number;
  tp: number;
  fp: number;
}

/**
 * All achievable operating points, from the strictest (nothing selected) down to the loosest (everything
 * selected). Tied scores are one point: a threshold cannot separate them.
 */
export function operatingPoints(labels: Numbers, scores: Numbers, what: string): OperatingPoint[] {
  checkBinary(labels, scores, what);
  requireBothClasses(labels, what);
  const { fps, tps, thresholds } = binaryClfCurve(labels, scores);
  const nPos = tps[tps.length - 1];
  const nNeg = fps[fps.length - 1];
  // Selecting nothing: max score + 1, as scikit-learn 1.2's roc_curve (finite, so JSON keeps it).
  const points: OperatingPoint[] = [{ threshold: thresholds[0] + 1, tpr: 0, fpr: 0, tp: 0, fp: 0 }];
  for (let i = 0; i < fps.length; i++) {
    points.push({ threshold: thresholds[i], tpr: tps[i] / nPos, fpr: fps[i] / nNeg, tp: tps[i], fp: fps[i] });
  }
  return points;
}

/**
 * The operating point with the highest TPR among those with FPR <= `fpr` (no interpolation between points:
 * a TPR that a real threshold reaches). Among equal TPRs the strictest threshold wins.
 */
export function operatingPointAtFpr(labels: Numbers, scores: Numbers, fpr: number): OperatingPoint {
  if (!(fpr >= 0 && fpr <= 1)) {
    throw new LensfindError('E_EVAL_INPUT', `tprAtFpr: fpr is ${fpr}; expected a rate in [0, 1]`);
  }
  let best: OperatingPoint | undefined;
  for (const p of operatingPoints(labels, scores, 'tprAtFpr')) {
    if (p.fpr <= fpr && (!best || p.tpr > best.tpr)) best = p;
  }
  return best!;
}

/**
 * TPR at a false-positive rate: the highest TPR of any threshold whose FPR is <= `fpr` (step curve, no
 * interpolation; ties between scores move together). Throws E_ONE_CLASS with one class.
 */
export function tprAtFpr(labels: Numbers, scores: Numbers, fpr: number): number {
  return operatingPointAtFpr(labels, scores, fpr).tpr;
}

/**
 * The highest TPR of any threshold that selects fewer than `n` false positives (Metcalf et al. 2019):
 * n = 1 is TPR0, n = 10 is TPR10. A lens tied in score with a non-lens cannot be selected without it, so
 * ties count against the finder. Throws E_ONE_CLASS with one class.
 */
export function tprBeforeFalsePositives(labels: Numbers, scores: Numbers, n: number): number {
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new LensfindError('E_EVAL_INPUT', `tprBeforeFalsePositives: n is ${n}; expected an integer >= 1`);
  }
  let best = 0;
  for (const p of operatingPoints(labels, scores, 'tprBeforeFalsePositives')) {
    if (p.fp < n && p.tpr > best) best = p.tpr;
  }
  return best;
}

/** TPR0: the fraction of lenses scored strictly above every non-lens (Metcalf et al. 2019). */
export function tpr0(labels: Numbers, scores: Numbers): number {
  return tprBeforeFalsePositives(labels, scores, 1);
}

/** TPR10: the highest TPR reached with at most 9 false positives, i.e. before the tenth. */
export function tpr10(labels: Numbers, scores: Numbers): number {
  return tprBeforeFalsePositives(labels, scores, 10);
}

/**
 * Purity a search would have where lenses have `prevalence` (default 1/1000) among the candidates, from the
 * TPR and FPR measured on a test set of any balance: TPR·p / (TPR·p + FPR·(1 − p)). NaN when nothing is
 * selected (TPR = FPR = 0).
 */
export function expectedPurity(tpr: number, fpr: number, prevalence = 1 / 1000): number {
  if (!(prevalence > 0 && prevalence < 1)) {
    throw new LensfindError(
      'E_EVAL_INPUT',
      `expectedPurity: prevalence is ${prevalence}; expected 0 < p < 1`,
    );
  }
  const selected = tpr * prevalence + fpr * (1 - prevalence);
  return selected === 0 ? NaN : (tpr * prevalence) / selected;
}

export interface PurityCompletenessCurve {
  /** Descending thresholds: each point selects scores >= threshold. */
  thresholds: number[];
  /** Completeness = TPR = recall. */
  completeness: number[];
  /** Purity measured on this test set (= precision). */
  purity: number[];
  /** Purity expected at `prevalence`, from the point's TPR and FPR. */
  expectedPurity: number[];
  fpr: number[];
}

/** Purity and completeness per threshold, measured and at the survey prevalence (default 1/1000). */
export function purityCompletenessCurve(
  labels: Numbers,
  scores: Numbers,
  prevalence = 1 / 1000,
): PurityCompletenessCurve {
  const points = operatingPoints(labels, scores, 'purityCompletenessCurve').slice(1);
  return {
    thresholds: points.map((p) => p.threshold),
    completeness: points.map((p) => p.tpr),
    purity: points.map((p) => p.tp / (p.tp + p.fp)),
    expectedPurity: points.map((p) => expectedPurity(p.tpr, p.fpr, prevalence)),
    fpr: points.map((p) => p.fpr),
  };
}

import { LensfindError } from '../errors.js';
import { logit, sigmoid } from '../metrics/sigmoid.js';
import type { Numbers } from '../metrics/validate.js';

export type CombineMethod = 'mean' | 'logit-mean' | 'weighted';

/** Probabilities are clipped to [1e-15, 1 − 1e-15] before the logit so 0 and 1 stay finite. */
const CLIP = 1e-15;

/**
 * Combines per-model lens probabilities for the same samples: 'mean' averages probabilities, 'logit-mean'
 * averages logits (a geometric-style mean that lets a confident model count more), 'weighted' averages
 * probabilities with `weights` (normalised to sum 1).
 */
export function combineScores(
  scoreLists: readonly Numbers[],
  method: CombineMethod = 'mean',
  weights?: readonly number[],
): number[] {
  if (scoreLists.length === 0) {
    throw new LensfindError('E_EVAL_INPUT', 'combineScores: no score arrays; expected at least one model');
  }
  const n = scoreLists[0].length;
  scoreLists.forEach((s, m) => {
    if (s.length !== n) {
      throw new LensfindError(
        'E_EVAL_INPUT',
        `combineScores: model ${m} has ${s.length} scores but model 0 has ${n}; expected equal lengths`,
      );
    }
  });
  let w = scoreLists.map(() => 1 / scoreLists.length);
  if (method === 'weighted') {
    if (!weights || weights.length !== scoreLists.length || weights.some((x) => !(x >= 0))) {
      throw new LensfindError(
        'E_EVAL_INPUT',
        `combineScores: weights [${weights?.join(', ') ?? ''}]; expected ${scoreLists.length} non-negative numbers`,
      );
    }
    const total = weights.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new LensfindError('E_EVAL_INPUT', 'combineScores: weights sum to 0');
    w = weights.map((x) => x / total);
  } else if (method !== 'mean' && method !== 'logit-mean') {
    throw new LensfindError(
      'E_EVAL_INPUT',
      `combineScores: method '${method as string}'; expected 'mean', 'logit-mean' or 'weighted'`,
    );
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (scoreLists.length === 1) {
      out[i] = scoreLists[0][i];
      continue;
    }
    let acc = 0;
    if (method === 'logit-mean') {
      for (let m = 0; m < scoreLists.length; m++) {
        acc += w[m] * logit(Math.min(Math.max(scoreLists[m][i], CLIP), 1 - CLIP));
      }
      out[i] = sigmoid(acc);
    } else {
      for (let m = 0; m < scoreLists.length; m++) acc += w[m] * scoreLists[m][i];
      out[i] = acc;
    }
  }
  return out;
}

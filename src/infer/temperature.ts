import { LensfindError } from '../errors.js';
import type { Numbers } from '../metrics/validate.js';
import { sigmoid } from '../metrics/sigmoid.js';

// Applying a run's temperature (fitted by eval/temperature.ts, `lensfind calibrate`) to its logits.

/** Calibrated lens probabilities sigmoid(logit / T). */
export function applyTemperature(logits: Numbers, temperature: number): number[] {
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new LensfindError('E_EVAL_INPUT', `applyTemperature: temperature is ${temperature}; expected > 0`);
  }
  return Array.from(logits, (z) => sigmoid(z / temperature));
}

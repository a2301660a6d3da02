/**
 * Parameter distributions of the simulate configs, drawn with the one seeded generator (src/rng/). The generator
 * is re-exported here so the simulator's modules keep importing it from one place of their own.
 */
import { z } from 'zod';
import type { Rng } from '../rng/index.js';

export { Rng, logGamma, ZIGGURAT } from '../rng/index.js';

// ---- parameter distributions in configs -------------------------------------------------------------------

/**
 * A scene parameter: a plain number (fixed), or `{fixed}`, `{uniform: [lo, hi]}`, `{normal: [mu, sd]}`
 * (optionally clipped with `min`/`max`), `{lognormal: [mu, sigma]}` (of ln x), `{choice: [...], weights?}`.
 */
export const distributionSchema = z.union([
  z.number(),
  z.strictObject({ fixed: z.number() }),
  z
    .strictObject({ uniform: z.tuple([z.number(), z.number()]) })
    .refine((d) => d.uniform[1] >= d.uniform[0], { message: 'uniform: [lo, hi] needs hi >= lo' }),
  z.strictObject({
    normal: z.tuple([z.number(), z.number().nonnegative()]),
    min: z.number().optional(),
    max: z.number().optional(),
  }),
  z.strictObject({
    lognormal: z.tuple([z.number(), z.number().nonnegative()]),
    min: z.number().optional(),
    max: z.number().optional(),
  }),
  z
    .strictObject({
      choice: z.array(z.number()).min(1),
      weights: z.array(z.number().nonnegative()).optional(),
    })
    .refine((d) => !d.weights || d.weights.length === d.choice.length, {
      message: 'choice: weights must have one entry per choice',
    }),
]);
export type Distribution = z.infer<typeof distributionSchema>;

/** Draws one value of a distribution spec (clipped specs are re-drawn, then clamped after 100 tries). */
export function sampleDistribution(spec: Distribution, rng: Rng): number {
  if (typeof spec === 'number') return spec;
  if ('fixed' in spec) return spec.fixed;
  if ('uniform' in spec) return rng.uniform(spec.uniform[0], spec.uniform[1]);
  if ('choice' in spec) return rng.choice(spec.choice, spec.weights);
  const draw =
    'normal' in spec
      ? () => rng.normal(spec.normal[0], spec.normal[1])
      : () => rng.logNormal(spec.lognormal[0], spec.lognormal[1]);
  const lo = spec.min ?? -Infinity;
  const hi = spec.max ?? Infinity;
  let v = draw();
  for (let i = 0; i < 100 && (v < lo || v > hi); i++) v = draw();
  return Math.min(hi, Math.max(lo, v));
}

/** Range a distribution can produce (for validation and docs). */
export function distributionBounds(spec: Distribution): [number, number] {
  if (typeof spec === 'number') return [spec, spec];
  if ('fixed' in spec) return [spec.fixed, spec.fixed];
  if ('uniform' in spec) return spec.uniform;
  if ('choice' in spec) return [Math.min(...spec.choice), Math.max(...spec.choice)];
  const lo = spec.min ?? ('lognormal' in spec ? 0 : -Infinity);
  return [lo, spec.max ?? Infinity];
}

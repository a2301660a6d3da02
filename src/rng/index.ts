/**
 * lensfind's seeded random numbers, in one place below every layer (the simulator uses them without the engine).
 * Three algorithms, each kept because existing outputs are drawn from it and must not change:
 * - `Rng`: xoshiro128** seeded by splitmix64, per-item streams `Rng.forItem(seed, index)`; the simulator's, and
 *   the default for new code (normal, ziggurat, gamma, Poisson, choice);
 * - `Sfc32Rng`: sfc32 keyed by (seed, epoch, index, ...): the data pipeline's augmentations, splits and samplers;
 * - `Mulberry32Rng`: mulberry32: the evaluation's bootstrap resampling.
 */
export { Rng, logGamma, ZIGGURAT } from './xoshiro.js';
export { Sfc32Rng } from './sfc32.js';
export { Mulberry32Rng } from './mulberry32.js';

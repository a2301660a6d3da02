/**
 * The simulator's hot loops in AssemblyScript, compiled to src/sim/wasm/sim-kernels.wasm by `npm run build:wasm`
 * (the .wasm is committed; test/sim/wasm-build.test.ts checks that it matches this source). The TypeScript glue is
 * src/sim/wasm/kernels.ts. The ray shooting (lens.ts) and the PSF convolution (convolve.ts) run on four float32
 * lanes; the tests bound them against the exact float64 TypeScript functions. The Sérsic table (sersic.ts) and
 * the noise (noise.ts) are float64 with the arithmetic of the TypeScript they replace (the noise draws equal
 * Rng's bit for bit; the table's exp/log come from AssemblyScript's libm, within an ulp of V8's).
 */

export { axpy, axpyBox, convolveSymmetric, nonzeroBox, sum } from './convolve';
export { sersicProfile, sersicShape } from './sersic';
export { ringForm, spiralForm } from './shapes';
export { lightKind, lightPixels, lightPixelsBox, lightSamples } from './light';
export { raySamples, raySamplesBox, sieShear } from './lens';
export { addNoise, arcContrastLast, arcMeasures, arcSnr, arcSpanLast, noiseTables, rngSet, rngWord } from './noise';

/** Memory for the glue's buffers (the stub runtime never frees; the glue keeps and grows a few). */
export function alloc(bytes: i32): usize {
  return heap.alloc(<usize>bytes);
}

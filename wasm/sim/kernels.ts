/**
 * The simulator's hot loops in AssemblyScript, compiled to src/sim/wasm/sim-kernels.wasm by `npm run build:wasm`
 * (the .wasm is committed; test/sim/wasm-build.test.ts checks that it matches this source). The TypeScript glue is
 * src/sim/wasm/kernels.ts; the arithmetic is the same as the exact TypeScript paths it replaces, which the tests
 * compare against. WebAssembly has no fused multiply-add and evaluates in the order written, so the convolution's
 * sums equal TypeScript's bit for bit; the Sérsic table's exp/log come from AssemblyScript's libm (within an ulp of
 * V8's).
 */

export * from './convolve';
export * from './sersic';
export * from './noise';

/** Memory for the glue's buffers (the stub runtime never frees; the glue keeps and grows a few). */
export function alloc(bytes: i32): usize {
  return heap.alloc(<usize>bytes);
}

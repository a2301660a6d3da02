/**
 * The instance of sim-kernels.wasm (compiled from wasm/sim/*.ts, AssemblyScript, and committed, so the simulator
 * needs no build step; test/sim/wasm-build.test.ts checks the .wasm matches its source): one per thread,
 * instantiated synchronously at import, and regions of its memory.
 */
import { readFileSync } from 'node:fs';

// Node's WebAssembly global (its types live in TypeScript's DOM library, which this project does not load).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

export interface Exports {
  memory: { buffer: ArrayBuffer };
  alloc(bytes: number): number;
  convolveSymmetric(
    inp: number,
    out: number,
    rows: number,
    line: number,
    k: number,
    h: number,
    w: number,
    narrow: number,
    r0: number,
    r1: number,
    c0: number,
    c1: number,
    zeroOutside: number,
  ): void;
  nonzeroBox(p: number, h: number, w: number, box: number): void;
  sersicProfile(a: number, bn: number, half: number): void;
  sersicShape(a: number, b: number, c: number, cx: number, cy: number, uMin: number, cut: number): void;
  lightSamples(x: number, y: number, n4: number, out: number): void;
  lightKind(kind: number): void;
  spiralForm(
    a: number,
    cx: number,
    cy: number,
    c: number,
    s: number,
    sq: number,
    h: number,
    arms: number,
    pitch: number,
    amplitude: number,
    phase: number,
  ): void;
  ringForm(
    a: number,
    cx: number,
    cy: number,
    c: number,
    s: number,
    sq: number,
    ring: number,
    width: number,
  ): void;
  lightPixels(x: number, y: number, start: number, npix: number, out: number, scale: number): void;
  lightPixelsBox(
    x: number,
    y: number,
    start: number,
    size: number,
    r0: number,
    r1: number,
    c0: number,
    c1: number,
    out: number,
    scale: number,
  ): void;
  sieShear(q: number, f: number, c: number, s: number, x: number, y: number, g1: number, g2: number): void;
  raySamples(x: number, y: number, n4: number, bx: number, by: number): void;
  raySamplesBox(
    x: number,
    y: number,
    start: number,
    size: number,
    r0: number,
    r1: number,
    c0: number,
    c1: number,
    bx: number,
    by: number,
  ): void;
  noiseTables(k: number, w: number, f: number): void;
  rngSet(a: number, b: number, c: number, d: number): void;
  rngWord(i: number): number;
  addNoise(
    inp: number,
    out: number,
    n: number,
    t: number,
    sky: number,
    rv: number,
    limit: number,
    single: number,
  ): void;
  arcSnr(arc: number, total: number, n: number, t: number, skyPerPixel: number, rv: number): number;
  arcMeasures(
    arc: number,
    total: number,
    size: number,
    t: number,
    skyPerPixel: number,
    rv: number,
    cx: number,
    cy: number,
    scale: number,
    r0: number,
    r1: number,
    c0: number,
    c1: number,
  ): number;
  arcContrastLast(): number;
  arcSpanLast(): number;
  axpy(dst: number, src: number, f: number, n: number): void;
  axpyBox(
    dst: number,
    src: number,
    f: number,
    size: number,
    r0: number,
    r1: number,
    c0: number,
    c1: number,
  ): void;
  sum(src: number, n: number): number;
}

export const wasm = new WebAssembly.Instance(
  new WebAssembly.Module(readFileSync(new URL('./sim-kernels.wasm', import.meta.url))),
  {
    env: {
      abort(_msg: number, _file: number, line: number, column: number) {
        throw new Error(`sim-kernels.wasm aborted at wasm/sim/kernels.ts:${line}:${column}`);
      },
    },
  },
).exports as unknown as Exports;

/** A region of the instance's memory, grown (never freed: the stub runtime has no free) when too small. */
export class Region {
  ptr = 0;
  private bytes = 0;
  reserve(bytes: number): number {
    if (bytes > this.bytes) {
      this.bytes = Math.max(bytes, 2 * this.bytes);
      this.ptr = wasm.alloc(this.bytes);
    }
    return this.ptr;
  }
  f64(n: number): Float64Array {
    const ptr = this.reserve(8 * n); // before reading memory.buffer: growing the memory detaches the old one
    return new Float64Array(wasm.memory.buffer, ptr, n);
  }
  f32(n: number): Float32Array {
    const ptr = this.reserve(4 * n);
    return new Float32Array(wasm.memory.buffer, ptr, n);
  }
  i32(n: number): Int32Array {
    const ptr = this.reserve(4 * n);
    return new Int32Array(wasm.memory.buffer, ptr, n);
  }
}

/** A transient view of n f32 at ptr (see f64View). */
export function f32View(ptr: number, n: number): Float32Array {
  return new Float32Array(wasm.memory.buffer, ptr, n);
}

/** A transient view of n f64 at ptr: valid until the next allocation (growing the memory detaches it). */
export function f64View(ptr: number, n: number): Float64Array {
  return new Float64Array(wasm.memory.buffer, ptr, n);
}

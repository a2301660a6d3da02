// Separable symmetric "same" convolution, zero padding (src/sim/psf.ts calls it for kernels of up to 17 taps),
// and the pixel-plane arithmetic of a cutout's bands.

const PAD: i32 = 8; // taps either side of the unrolled passes: kernels up to 17 taps

/** 2 outputs of one pass: k0 v[p] + k1 (v[p - d] + v[p + d]) + ... + k8 (v[p - 8d] + v[p + 8d]). */
// prettier-ignore
@inline function taps2(p: usize, d: usize, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128): v128 {
  let s = f64x2.mul(k0, v128.load(p));
  s = f64x2.add(s, f64x2.mul(k1, f64x2.add(v128.load(p - d), v128.load(p + d))));
  s = f64x2.add(s, f64x2.mul(k2, f64x2.add(v128.load(p - 2 * d), v128.load(p + 2 * d))));
  s = f64x2.add(s, f64x2.mul(k3, f64x2.add(v128.load(p - 3 * d), v128.load(p + 3 * d))));
  s = f64x2.add(s, f64x2.mul(k4, f64x2.add(v128.load(p - 4 * d), v128.load(p + 4 * d))));
  s = f64x2.add(s, f64x2.mul(k5, f64x2.add(v128.load(p - 5 * d), v128.load(p + 5 * d))));
  s = f64x2.add(s, f64x2.mul(k6, f64x2.add(v128.load(p - 6 * d), v128.load(p + 6 * d))));
  s = f64x2.add(s, f64x2.mul(k7, f64x2.add(v128.load(p - 7 * d), v128.load(p + 7 * d))));
  s = f64x2.add(s, f64x2.mul(k8, f64x2.add(v128.load(p - 8 * d), v128.load(p + 8 * d))));
  return s;
}

/** One output of a pass, in the same order as taps2. */
// prettier-ignore
@inline function taps1(p: usize, d: usize, k0: f64, k1: f64, k2: f64, k3: f64, k4: f64, k5: f64, k6: f64, k7: f64, k8: f64): f64 {
  return k0 * load<f64>(p) + k1 * (load<f64>(p - d) + load<f64>(p + d)) + k2 * (load<f64>(p - 2 * d) + load<f64>(p + 2 * d)) +
    k3 * (load<f64>(p - 3 * d) + load<f64>(p + 3 * d)) + k4 * (load<f64>(p - 4 * d) + load<f64>(p + 4 * d)) +
    k5 * (load<f64>(p - 5 * d) + load<f64>(p + 5 * d)) + k6 * (load<f64>(p - 6 * d) + load<f64>(p + 6 * d)) +
    k7 * (load<f64>(p - 7 * d) + load<f64>(p + 7 * d)) + k8 * (load<f64>(p - 8 * d) + load<f64>(p + 8 * d));
}

/**
 * out (h x w) = inp convolved with the symmetric kernel whose taps 0..8 from the centre are at k (taps beyond the
 * kernel's half width are 0). Scratch: rows ((h + 16) x w), line (w + 16). Rows are filtered into `rows` between 8
 * zero rows above and below, then columns are filtered by adding whole shifted rows.
 */
export function convolveSymmetric(inp: usize, out: usize, rows: usize, line: usize, k: usize, h: i32, w: i32): void {
  const rowBytes = <usize>w << 3;
  memory.fill(line, 0, <usize>(w + 2 * PAD) << 3);
  memory.fill(rows, 0, <usize>PAD * rowBytes);
  memory.fill(rows + <usize>(h + PAD) * rowBytes, 0, <usize>PAD * rowBytes);
  const s0 = load<f64>(k), s1 = load<f64>(k, 8), s2 = load<f64>(k, 16), s3 = load<f64>(k, 24), s4 = load<f64>(k, 32);
  const s5 = load<f64>(k, 40), s6 = load<f64>(k, 48), s7 = load<f64>(k, 56), s8 = load<f64>(k, 64);
  const k0 = f64x2.splat(s0), k1 = f64x2.splat(s1), k2 = f64x2.splat(s2), k3 = f64x2.splat(s3), k4 = f64x2.splat(s4);
  const k5 = f64x2.splat(s5), k6 = f64x2.splat(s6), k7 = f64x2.splat(s7), k8 = f64x2.splat(s8);
  const even = w & ~1;
  const lineC = line + (<usize>PAD << 3);
  for (let r = 0; r < h; r++) {
    memory.copy(lineC, inp + <usize>r * rowBytes, rowBytes);
    const dst = rows + <usize>(r + PAD) * rowBytes;
    for (let c = 0; c < even; c += 2) {
      v128.store(dst + (<usize>c << 3), taps2(lineC + (<usize>c << 3), 8, k0, k1, k2, k3, k4, k5, k6, k7, k8));
    }
    if (even < w) {
      const c = <usize>even << 3;
      store<f64>(dst + c, taps1(lineC + c, 8, s0, s1, s2, s3, s4, s5, s6, s7, s8));
    }
  }
  for (let r = 0; r < h; r++) {
    const src = rows + <usize>(r + PAD) * rowBytes;
    const dst = out + <usize>r * rowBytes;
    for (let c = 0; c < even; c += 2) {
      v128.store(dst + (<usize>c << 3), taps2(src + (<usize>c << 3), rowBytes, k0, k1, k2, k3, k4, k5, k6, k7, k8));
    }
    if (even < w) {
      const c = <usize>even << 3;
      store<f64>(dst + c, taps1(src + c, rowBytes, s0, s1, s2, s3, s4, s5, s6, s7, s8));
    }
  }
}

/** dst[p] += f * src[p] for p < n (pixel planes: a light's pixels added into a band's image). */
export function axpy(dst: usize, src: usize, f: f64, n: i32): void {
  const vf = f64x2.splat(f);
  const even = n & ~1;
  for (let p = 0; p < even; p += 2) {
    const o = <usize>p << 3;
    v128.store(dst + o, f64x2.add(v128.load(dst + o), f64x2.mul(vf, v128.load(src + o))));
  }
  if (even < n) {
    const o = <usize>even << 3;
    store<f64>(dst + o, load<f64>(dst + o) + f * load<f64>(src + o));
  }
}

/** The sum of src[0 .. n - 1], in order. */
export function sum(src: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let p = 0; p < n; p++) s += load<f64>(src + (<usize>p << 3));
  return s;
}

// Separable symmetric "same" convolution, zero padding (src/sim/psf.ts calls it for kernels of up to 25 taps),
// summed on four float32 lanes, and the pixel-plane arithmetic of a cutout's bands.

const PAD: i32 = 12; // taps either side of the unrolled passes: kernels up to 25 taps (FWHM to ~6 pixels at 4 sigma)

/** 4 outputs of one pass (float32): k0 v[p] + k1 (v[p - d] + v[p + d]) + ... + k12 (v[p - 12d] + v[p + 12d]). */
// prettier-ignore
@inline function taps4(p: usize, d: usize, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, k10: v128, k11: v128, k12: v128): v128 {
  let s = f32x4.mul(k0, v128.load(p));
  s = f32x4.add(s, f32x4.mul(k1, f32x4.add(v128.load(p - d), v128.load(p + d))));
  s = f32x4.add(s, f32x4.mul(k2, f32x4.add(v128.load(p - 2 * d), v128.load(p + 2 * d))));
  s = f32x4.add(s, f32x4.mul(k3, f32x4.add(v128.load(p - 3 * d), v128.load(p + 3 * d))));
  s = f32x4.add(s, f32x4.mul(k4, f32x4.add(v128.load(p - 4 * d), v128.load(p + 4 * d))));
  s = f32x4.add(s, f32x4.mul(k5, f32x4.add(v128.load(p - 5 * d), v128.load(p + 5 * d))));
  s = f32x4.add(s, f32x4.mul(k6, f32x4.add(v128.load(p - 6 * d), v128.load(p + 6 * d))));
  s = f32x4.add(s, f32x4.mul(k7, f32x4.add(v128.load(p - 7 * d), v128.load(p + 7 * d))));
  s = f32x4.add(s, f32x4.mul(k8, f32x4.add(v128.load(p - 8 * d), v128.load(p + 8 * d))));
  s = f32x4.add(s, f32x4.mul(k9, f32x4.add(v128.load(p - 9 * d), v128.load(p + 9 * d))));
  s = f32x4.add(s, f32x4.mul(k10, f32x4.add(v128.load(p - 10 * d), v128.load(p + 10 * d))));
  s = f32x4.add(s, f32x4.mul(k11, f32x4.add(v128.load(p - 11 * d), v128.load(p + 11 * d))));
  s = f32x4.add(s, f32x4.mul(k12, f32x4.add(v128.load(p - 12 * d), v128.load(p + 12 * d))));
  return s;
}

/** taps4 for kernels of at most 15 taps (k8 .. k12 zero): most survey PSFs, in 8 / 13 of the work. */
// prettier-ignore
@inline function taps8(p: usize, d: usize, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128): v128 {
  let s = f32x4.mul(k0, v128.load(p));
  s = f32x4.add(s, f32x4.mul(k1, f32x4.add(v128.load(p - d), v128.load(p + d))));
  s = f32x4.add(s, f32x4.mul(k2, f32x4.add(v128.load(p - 2 * d), v128.load(p + 2 * d))));
  s = f32x4.add(s, f32x4.mul(k3, f32x4.add(v128.load(p - 3 * d), v128.load(p + 3 * d))));
  s = f32x4.add(s, f32x4.mul(k4, f32x4.add(v128.load(p - 4 * d), v128.load(p + 4 * d))));
  s = f32x4.add(s, f32x4.mul(k5, f32x4.add(v128.load(p - 5 * d), v128.load(p + 5 * d))));
  s = f32x4.add(s, f32x4.mul(k6, f32x4.add(v128.load(p - 6 * d), v128.load(p + 6 * d))));
  s = f32x4.add(s, f32x4.mul(k7, f32x4.add(v128.load(p - 7 * d), v128.load(p + 7 * d))));
  return s;
}

@inline function tap(k: usize, i: i32): v128 {
  return f32x4.splat(<f32>load<f64>(k + (<usize>i << 3)));
}

/**
 * out (h x w, float64) = inp (float64) convolved with the symmetric kernel whose taps 0..12 from the centre are at k
 * (float64; taps beyond the kernel's half width are 0), in float32, at the outputs of the window rows r0..r1,
 * columns c0..c1 (and the rest of their groups of four columns); the other outputs are 0 when `zeroOutside`, else
 * left as they are. Each output is the same sum of the same values whatever the window, so a window changes no bit
 * of the outputs inside it. Scratch (float32, rows of w4 = w rounded up to 4): rows ((h + 24) x w4), line (w4 + 24).
 * `narrow`: the kernel has at most 15 taps (taps 8 .. 12 are 0). Rows are filtered into `rows` between zero rows
 * above and below, then columns are filtered by adding whole shifted rows.
 */
export function convolveSymmetric(inp: usize, out: usize, rows: usize, line: usize, k: usize, h: i32, w: i32, narrow: bool, r0: i32, r1: i32, c0: i32, c1: i32, zeroOutside: bool): void {
  const w4 = (w + 3) & ~3;
  const rowBytes = <usize>w4 << 2;
  if (zeroOutside) memory.fill(out, 0, <usize>h * <usize>w << 3);
  if (r1 < r0 || c1 < c0) return;
  memory.fill(line, 0, <usize>(w4 + 2 * PAD) << 2);
  memory.fill(rows, 0, <usize>PAD * rowBytes);
  memory.fill(rows + <usize>(h + PAD) * rowBytes, 0, <usize>PAD * rowBytes);
  const k0 = tap(k, 0), k1 = tap(k, 1), k2 = tap(k, 2), k3 = tap(k, 3), k4 = tap(k, 4), k5 = tap(k, 5), k6 = tap(k, 6);
  const k7 = tap(k, 7), k8 = tap(k, 8), k9 = tap(k, 9), k10 = tap(k, 10), k11 = tap(k, 11), k12 = tap(k, 12);
  const lineC = line + (<usize>PAD << 2);
  // the window's groups of four columns; the rows its column pass reads (those beyond the image are the zero rows)
  const g0 = c0 & ~3,
    g1 = c1 + 1;
  const reach = narrow ? 7 : PAD;
  const ra = max(0, r0 - reach),
    rb = min(h - 1, r1 + reach);
  for (let r = ra; r <= rb; r++) {
    // the row in float32 between zeros (the line's padding, and its tail beyond w, stay 0)
    const src = inp + ((<usize>r * <usize>w) << 3);
    for (let c = 0; c < w; c++) store<f32>(lineC + (<usize>c << 2), <f32>load<f64>(src + (<usize>c << 3)));
    const dst = rows + <usize>(r + PAD) * rowBytes;
    for (let c = g0; c < g1; c += 4) {
      const p = lineC + (<usize>c << 2);
      v128.store(dst + (<usize>c << 2), narrow ? taps8(p, 4, k0, k1, k2, k3, k4, k5, k6, k7) : taps4(p, 4, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12));
    }
  }
  const whole = w & ~3;
  for (let r = r0; r <= r1; r++) {
    const src = rows + <usize>(r + PAD) * rowBytes;
    const dst = out + ((<usize>r * <usize>w) << 3);
    for (let c = g0; c < g1; c += 4) {
      const p = src + (<usize>c << 2);
      const v = narrow ? taps8(p, rowBytes, k0, k1, k2, k3, k4, k5, k6, k7) : taps4(p, rowBytes, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12);
      const o = dst + (<usize>c << 3);
      if (c < whole) {
        v128.store(o, f64x2.promote_low_f32x4(v));
        v128.store(o, f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 0, 1)), 16);
      } else {
        // the row's last 1 to 3 values
        store<f64>(o, <f64>f32x4.extract_lane(v, 0));
        if (c + 1 < w) store<f64>(o, <f64>f32x4.extract_lane(v, 1), 8);
        if (c + 2 < w) store<f64>(o, <f64>f32x4.extract_lane(v, 2), 16);
      }
    }
  }
}

/**
 * The smallest box holding every value of the h x w plane at p (float64) whose bits are not those of +0, stored at
 * box as four i32: first and last row, first and last column (the last row before the first when there is none).
 */
export function nonzeroBox(p: usize, h: i32, w: i32, box: usize): void {
  let r0 = h, r1 = -1, c0 = w, c1 = -1;
  for (let r = 0; r < h; r++) {
    const row = p + ((<usize>r * <usize>w) << 3);
    let a = 0;
    while (a < w && load<u64>(row + (<usize>a << 3)) == 0) a++;
    if (a == w) continue;
    let b = w - 1;
    while (load<u64>(row + (<usize>b << 3)) == 0) b--;
    if (r0 > r) r0 = r;
    r1 = r;
    if (c0 > a) c0 = a;
    if (c1 < b) c1 = b;
  }
  store<i32>(box, r0);
  store<i32>(box, r1, 4);
  store<i32>(box, c0, 8);
  store<i32>(box, c1, 12);
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

/** axpy over the pixels of rows r0..r1, columns c0..c1 of size x size planes. */
export function axpyBox(dst: usize, src: usize, f: f64, size: i32, r0: i32, r1: i32, c0: i32, c1: i32): void {
  for (let r = r0; r <= r1; r++) {
    const o = <usize>(r * size + c0) << 3;
    axpy(dst + o, src + o, f, c1 - c0 + 1);
  }
}

/** The sum of src[0 .. n - 1], in order. */
export function sum(src: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let p = 0; p < n; p++) s += load<f64>(src + (<usize>p << 3));
  return s;
}

// Four-lane single-precision elementary functions for the ray shooting (lens.ts) and the hard negatives' shapes
// (shapes.ts): Cephes' logf, expf, atanf, sinf/cosf and the series of atanhf (S. L. Moshier, Cephes Math Library
// 2.x, single precision; sincos4 after J. Pommier's sse_mathfun), written branch-free on f32x4 so that four samples
// go through one sequence of instructions. Their relative error is a few units in the last place of a float;
// test/sim/fast-render.test.ts bounds the deflections and light they give.

@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** One step of a polynomial by Horner's rule: y x + c. */
@inline function horner(y: v128, x: v128, c: f32): v128 {
  return f32x4.add(f32x4.mul(y, x), f32x4.splat(c));
}

/** Natural log of positive, normal lanes. */
// prettier-ignore
@inline export function log4(v: v128): v128 {
  // v = m 2^e with m in [0.5, 1), then m in [sqrt(1/2), sqrt(2)) by one doubling
  const bits = v;
  let e = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126));
  let m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const low = f32x4.lt(m, splat(0.707106781186547524)); // all ones where m < sqrt(1/2)
  e = i32x4.add(e, low); // e - 1 there
  m = f32x4.add(m, v128.and(m, low)); // 2m there
  const x = f32x4.sub(m, splat(1));
  const fe = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(x, x);
  let y = splat(7.0376836292e-2);
  y = horner(y, x, -1.1514610310e-1);
  y = horner(y, x, 1.1676998740e-1);
  y = horner(y, x, -1.2420140846e-1);
  y = horner(y, x, 1.4249322787e-1);
  y = horner(y, x, -1.6668057665e-1);
  y = horner(y, x, 2.0000714765e-1);
  y = horner(y, x, -2.4999993993e-1);
  y = horner(y, x, 3.3333331174e-1);
  y = f32x4.mul(f32x4.mul(y, x), z);
  y = f32x4.add(y, f32x4.mul(fe, splat(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, splat(0.5)));
  return f32x4.add(f32x4.add(x, y), f32x4.mul(fe, splat(0.693359375)));
}

/** e^v for lanes in [-87, 88] (callers clamp). */
// prettier-ignore
@inline export function exp4(v: v128): v128 {
  const fx = f32x4.nearest(f32x4.mul(v, splat(1.44269504088896341)));
  let x = f32x4.sub(v, f32x4.mul(fx, splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, splat(-2.12194440e-4)));
  const z = f32x4.mul(x, x);
  let y = splat(1.9875691500e-4);
  y = horner(y, x, 1.3981999507e-3);
  y = horner(y, x, 8.3334519073e-3);
  y = horner(y, x, 4.1665795894e-2);
  y = horner(y, x, 1.6666665459e-1);
  y = horner(y, x, 5.0000001201e-1);
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), x), splat(1));
  // times 2^fx, built in the exponent bits
  return f32x4.mul(y, i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23));
}

// sincos4's results
export let sin4: v128 = f32x4.splat(0);
export let cos4: v128 = f32x4.splat(0);

/** (sin4, cos4) = sin and cos of lanes of magnitude up to ~8000 (the reduction by pi/4 loses digits beyond). */
// prettier-ignore
@inline export function sincos4(v: v128): void {
  const signMask = i32x4.splat(0x80000000);
  let signSin = v128.and(v, signMask);
  let x = v128.andnot(v, signMask);
  // octant j (made even), x reduced to [-pi/4, pi/4] in three parts of pi/4
  let j = i32x4.trunc_sat_f32x4_s(f32x4.mul(x, splat(1.27323954473516)));
  j = v128.and(i32x4.add(j, i32x4.splat(1)), i32x4.splat(~1));
  const y = f32x4.convert_i32x4_s(j);
  x = f32x4.sub(x, f32x4.mul(y, splat(0.78515625)));
  x = f32x4.sub(x, f32x4.mul(y, splat(2.4187564849853515625e-4)));
  x = f32x4.sub(x, f32x4.mul(y, splat(3.77489497744594108e-8)));
  signSin = v128.xor(signSin, i32x4.shl(v128.and(j, i32x4.splat(4)), 29));
  const signCos = i32x4.shl(v128.andnot(i32x4.splat(4), i32x4.sub(j, i32x4.splat(2))), 29);
  const poly = i32x4.eq(v128.and(j, i32x4.splat(2)), i32x4.splat(0)); // sin from the sine polynomial here
  const z = f32x4.mul(x, x);
  let c = splat(2.443315711809948e-5);
  c = horner(c, z, -1.388731625493765e-3);
  c = horner(c, z, 4.166664568298827e-2);
  c = f32x4.add(f32x4.sub(f32x4.mul(f32x4.mul(c, z), z), f32x4.mul(z, splat(0.5))), splat(1));
  let s = splat(-1.9515295891e-4);
  s = horner(s, z, 8.3321608736e-3);
  s = horner(s, z, -1.6666654611e-1);
  s = f32x4.add(f32x4.mul(f32x4.mul(s, z), x), x);
  sin4 = v128.xor(v128.bitselect(s, c, poly), signSin);
  cos4 = v128.xor(v128.bitselect(c, s, poly), signCos);
}

/** atan of non-negative lanes. */
// prettier-ignore
@inline export function atan4(v: v128): v128 {
  // range reduction: x > tan(3 pi / 8): pi/2 + atan(-1 / x); x > tan(pi / 8): pi/4 + atan((x - 1) / (x + 1))
  const big = f32x4.gt(v, splat(2.414213562373095));
  const mid = v128.andnot(f32x4.gt(v, splat(0.4142135623730950)), big);
  const num = v128.bitselect(splat(-1), v128.bitselect(f32x4.sub(v, splat(1)), v, mid), big);
  const den = v128.bitselect(v, v128.bitselect(f32x4.add(v, splat(1)), splat(1), mid), big);
  const x = f32x4.div(num, den);
  const y0 = v128.or(v128.and(big, splat(1.5707963267948966)), v128.and(mid, splat(0.7853981633974483)));
  const z = f32x4.mul(x, x);
  let y = splat(8.05374449538e-2);
  y = horner(y, z, -1.38776856032e-1);
  y = horner(y, z, 1.99777106478e-1);
  y = horner(y, z, -3.33329491539e-1);
  y = f32x4.add(f32x4.mul(f32x4.mul(y, z), x), x);
  return f32x4.add(y, y0);
}

/** atanh of lanes in [0, 1/2] (the odd series; lens.ts takes larger arguments through log4). */
// prettier-ignore
@inline export function atanhSmall4(v: v128): v128 {
  const z = f32x4.mul(v, v);
  let y = splat(1.81740078349e-1);
  y = horner(y, z, 8.24370301058e-2);
  y = horner(y, z, 1.46691431730e-1);
  y = horner(y, z, 1.99782164500e-1);
  y = horner(y, z, 3.33337300303e-1);
  return f32x4.add(f32x4.mul(f32x4.mul(y, z), v), v);
}

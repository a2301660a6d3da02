import type { OnnxGraph } from './graph.js';

/** A 2-D convolution's geometry, as nn.Conv2d stores it (symmetric padding). */
export interface ConvGeometry {
  inChannels: number;
  outChannels: number;
  kernel: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
  groups: number;
}

/** The output size of a convolution (or pooling window) along one axis, as PyTorch computes it. */
export function convOutputSize(
  size: number,
  kernel: number,
  stride: number,
  pad: number,
  dilation = 1,
): number {
  return Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

// The largest dense matrix (in values) a convolution is lowered to: 16M floats, 64 MB at load time.
const MAX_DENSE_VALUES = 1 << 24;

/**
 * Whether a convolution on an [hIn, wIn] map is cheaper as one dense matrix product: when the map has no more
 * pixels than the kernel has taps, each output pixel reads every input pixel anyway and the convolution's other
 * taps only read padding. ResNet-18's last stage on 64x64 cutouts (3x3 kernels on 2x2 maps) is the case that
 * matters: ONNX Runtime's direct convolution spends 2.5x longer there than on the stage before with the same
 * arithmetic, and a matrix product runs at its full speed.
 */
export function denseIsCheaper(c: ConvGeometry, hIn: number, wIn: number): boolean {
  if (c.groups !== 1 || hIn * wIn > c.kernel[0] * c.kernel[1]) return false;
  const hOut = convOutputSize(hIn, c.kernel[0], c.stride[0], c.padding[0], c.dilation[0]);
  const wOut = convOutputSize(wIn, c.kernel[1], c.stride[1], c.padding[1], c.dilation[1]);
  return c.inChannels * hIn * wIn * c.outChannels * hOut * wOut <= MAX_DENSE_VALUES;
}

/**
 * For each input pixel q and output pixel p (row-major), the kernel tap that connects them (ky·kw + kx), or
 * kh·kw (a zero tap appended to the kernel) where none does.
 */
export function tapIndex(
  c: ConvGeometry,
  hIn: number,
  wIn: number,
): { index: number[]; hOut: number; wOut: number } {
  const [kh, kw] = c.kernel;
  const hOut = convOutputSize(hIn, kh, c.stride[0], c.padding[0], c.dilation[0]);
  const wOut = convOutputSize(wIn, kw, c.stride[1], c.padding[1], c.dilation[1]);
  const tapAlong = (i: number, o: number, axis: 0 | 1, k: number) => {
    const t = (i - o * c.stride[axis] + c.padding[axis]) / c.dilation[axis];
    return Number.isInteger(t) && t >= 0 && t < k ? t : -1;
  };
  const index: number[] = [];
  for (let iy = 0; iy < hIn; iy++)
    for (let ix = 0; ix < wIn; ix++)
      for (let oy = 0; oy < hOut; oy++)
        for (let ox = 0; ox < wOut; ox++) {
          const ty = tapAlong(iy, oy, 0, kh);
          const tx = tapAlong(ix, ox, 1, kw);
          index.push(ty < 0 || tx < 0 ? kh * kw : ty * kw + tx);
        }
  return { index, hOut, wOut };
}

/**
 * The convolution as Reshape → MatMul → Reshape. The dense matrix [in·hIn·wIn, out·hOut·wOut] is built in the
 * graph from the stored kernel (Pad a zero tap, Gather the taps, Transpose, Reshape): every input of that chain is
 * a constant, so ONNX Runtime folds it once when the session loads and the file keeps the kernel's own size.
 */
export function denseConv(
  g: OnnxGraph,
  x: string,
  c: ConvGeometry,
  hw: [number, number],
  weight: string,
  bias: Float32Array | undefined,
  name: string,
): { value: string; hw: [number, number] } {
  const [hIn, wIn] = hw;
  const { index, hOut, wOut } = tapIndex(c, hIn, wIn);
  const [kh, kw] = c.kernel;
  const taps = kh * kw;
  const pixIn = hIn * wIn;
  const pixOut = hOut * wOut;
  const flatKernel = g.node('Reshape', [
    weight,
    g.ints(`${name}.kernel_taps`, [c.outChannels, c.inChannels, taps]),
  ]);
  const padded = g.node('Pad', [flatKernel, g.ints(`${name}.zero_tap`, [0, 0, 0, 0, 0, 1])]);
  const gathered = g.node('Gather', [padded, g.ints(`${name}.tap_index`, index, [pixIn, pixOut])], {
    axis: 2,
  });
  const dense = g.node('Reshape', [
    g.node('Transpose', [gathered], { perm: [1, 2, 0, 3] }), // [in, pixIn, out, pixOut]
    g.ints(`${name}.dense_shape`, [c.inChannels * pixIn, c.outChannels * pixOut]),
  ]);
  const rows = g.node('Reshape', [x, g.ints(`${name}.rows`, [-1, c.inChannels * pixIn])]);
  let y = g.node('MatMul', [rows, dense]);
  if (bias) {
    const perPixel = new Float32Array(c.outChannels * pixOut);
    for (let o = 0; o < c.outChannels; o++) perPixel.fill(bias[o], o * pixOut, (o + 1) * pixOut);
    y = g.node('Add', [y, g.weight(`${name}.bias_per_pixel`, perPixel, [perPixel.length])]);
  }
  const value = g.node('Reshape', [y, g.ints(`${name}.map`, [-1, c.outChannels, hOut, wOut])]);
  return { value, hw: [hOut, wOut] };
}

/**
 * A mixture density network head (Bishop 1994; the MDN of SNPE-A, Papamakarios & Murray 2016, and of the `sbi`
 * package): K full-covariance Gaussians whose weights, means and precision factors are one MLP of the context.
 *
 * Each component is parameterised by an upper-triangular precision factor U with a positive diagonal (Λ = UᵀU), so
 * its log-density needs only a product, not a solve: log N(z; μ, Λ⁻¹) = −½‖U(z − μ)‖² + Σ log U_ii − (D/2) log 2π.
 * Sampling inverts U once per galaxy and component (D × D, on the CPU in plain arrays), then draws z = μ + U⁻¹ε for
 * every component at once and keeps, per draw, the component a categorical draw chose. There are no layers to pass
 * through, so posterior draws cost little more than the random numbers (`sersic predict` at 1,000 draws a galaxy).
 */
import { Linear } from '../../torch/nn/index.js';
import { noGrad } from '../../torch/autograd.js';
import { fromTypedArray } from '../../torch/creation.js';
import * as F from '../../torch/functional.js';
import type { Tensor } from '../../torch/tensor.js';
import { rand, randn, type Generator } from '../../torch/random.js';
import { child } from '../../models/common.js';
import { ConditionalDensity, LOG_2PI, type DrawScaling } from './flow.js';
import { softClamp } from './maf.js';

/** log U_ii is soft-clamped to ±LOG_DIAG: widths from e⁻¹² to e¹² in z. */
const LOG_DIAG = 12;

export interface MixtureOptions {
  dim: number;
  contextDim: number;
  components: number;
  hidden: number;
  generator?: Generator;
}

/** Inverse of an upper-triangular D × D matrix (row-major, at `offset`), written into `out` at `offset`. */
export function invertUpper(u: ArrayLike<number>, out: Float32Array, D: number, offset = 0): void {
  // column by column: U x = e_c by back substitution
  for (let c = 0; c < D; c++)
    for (let i = D - 1; i >= 0; i--) {
      let v = i === c ? 1 : 0;
      for (let k = i + 1; k < D; k++) v -= u[offset + i * D + k] * out[offset + k * D + c];
      out[offset + i * D + c] = i > c ? 0 : v / u[offset + i * D + i];
    }
}

export class GaussianMixture extends ConditionalDensity {
  readonly hidden: Linear;
  readonly output: Linear;
  readonly K: number;
  /** No hidden activations per draw: larger passes spread the per-operation cost (16 galaxies of 1,000 draws). */
  override readonly drawsPerPass = 16384;

  constructor(opts: MixtureOptions) {
    super(opts.dim, opts.contextDim);
    const { dim: D, components: K, hidden: H, generator } = opts;
    this.K = K;
    this.hidden = child(this, 'hidden', new Linear(opts.contextDim, H, { generator }));
    this.output = child(this, 'output', new Linear(H, K * (1 + D + D * D), { generator }));
    const upper = new Float32Array(D * D),
      diag = new Float32Array(D * D);
    for (let i = 0; i < D; i++)
      for (let j = 0; j < D; j++) {
        if (j > i) upper[i * D + j] = 1;
        if (j === i) diag[i * D + j] = 1;
      }
    this.registerBuffer('upper_mask', fromTypedArray(upper, [D, D]), false);
    this.registerBuffer('diag_mask', fromTypedArray(diag, [D, D]), false);
    // start near equal weights and unit precisions, the means spread by the (random) output weights
    noGrad(() => {
      this.output.weight.mul_(0.1);
      this.output.bias?.zero_();
    });
  }

  /** Log-weights [B, K], means [B, K, D], precision factors U [B, K, D, D] and Σ log U_ii [B, K]. */
  params(context: Tensor): { logW: Tensor; mu: Tensor; U: Tensor; logDiag: Tensor } {
    const B = context.shape[0],
      K = this.K,
      D = this.dim;
    const p = this.output.call(F.relu(this.hidden.call(context)));
    const logW = F.logSoftmax(p.narrow(1, 0, K), 1);
    const mu = p.narrow(1, K, K * D).reshape([B, K, D]);
    const raw = p.narrow(1, K + K * D, K * D * D).reshape([B, K, D, D]);
    const diagMask = this.getBuffer('diag_mask')!;
    const logU = softClamp(raw, LOG_DIAG).mul(diagMask);
    const U = raw.mul(this.getBuffer('upper_mask')!).add(logU.exp().mul(diagMask));
    return { logW, mu, U, logDiag: logU.sum([2, 3]) };
  }

  logProb(z: Tensor, context: Tensor): Tensor {
    const { logW, mu, U, logDiag } = this.params(context);
    const diff = z.unsqueeze(1).sub(mu).unsqueeze(3); // [B, K, D, 1]
    const y = U.matmul(diff).squeeze(3); // [B, K, D]
    const logN = y
      .square()
      .sum(2)
      .mul(-0.5)
      .add(logDiag)
      .sub(0.5 * this.dim * LOG_2PI);
    return logW.add(logN).logsumexp(1);
  }

  /** n draws per context, parameter-major [D, B·n] (no autograd). */
  override sampleByParameter(context: Tensor, n: number, generator?: Generator): Tensor {
    return this.draw(context, n, generator);
  }

  /**
   * Draws scaled about the mixture's own mean m = Σ w_k μ_k by A: the mixture whose components are μ_k' = m +
   * A(μ_k − m) and U_k'⁻¹ = A U_k⁻¹, so the scaling costs one D × D product per galaxy and component, none per draw.
   * The draws' mean differs from m by O(width / √n) only, so this is `scaleAboutMean`'s map to that order.
   */
  override sampleScaledByParameter(
    context: Tensor,
    n: number,
    scaling: DrawScaling,
    generator?: Generator,
  ): Tensor {
    return this.draw(context, n, generator, scaling);
  }

  private draw(context: Tensor, n: number, generator?: Generator, scaling?: DrawScaling): Tensor {
    const B = context.shape[0],
      K = this.K,
      D = this.dim;
    const { logW, mu, U } = this.params(context);
    const w = logW.exp().toFloat32Array();
    // U⁻¹ per galaxy and component, in plain arrays
    const u = U.toFloat32Array();
    let L = new Float32Array(u.length);
    for (let k = 0; k < B * K; k++) invertUpper(u, L, D, k * D * D);
    let means = mu;
    if (scaling) {
      const m = mu.toFloat32Array();
      const centre = new Float64Array(B * D);
      for (let b = 0; b < B; b++)
        for (let k = 0; k < K; k++)
          for (let j = 0; j < D; j++) centre[b * D + j] += w[b * K + k] * m[(b * K + k) * D + j];
      const A = scaling((b, j) => centre[b * D + j]);
      const scaled = new Float32Array(L.length);
      for (let b = 0; b < B; b++)
        for (let k = 0; k < K; k++) {
          const at = (b * K + k) * D;
          const dev = Array.from({ length: D }, (_, j) => m[at + j] - centre[b * D + j]);
          for (let i = 0; i < D; i++) {
            const row = (b * D + i) * D;
            let v = centre[b * D + i];
            for (let j = 0; j < D; j++) {
              v += A[row + j] * dev[j];
              let s = 0;
              for (let c = 0; c < D; c++) s += A[row + c] * L[(at + c) * D + j];
              scaled[(at + i) * D + j] = s;
            }
            m[at + i] = v;
          }
        }
      L = scaled;
      means = fromTypedArray(m, [B, K, D]);
    }
    const eps = randn([B, 1, D, n], { generator, dtype: context.dtype });
    // every component's draws [B, K, D, n], then per draw the chosen component's
    const zk = fromTypedArray(L, [B, K, D, D]).matmul(eps).add(means.unsqueeze(3));
    // per draw, its component from the weights: a 0/1 mask [B, K, 1, n] (a mask, not gather's int64 index, whose
    // BigInt per draw cost more than everything else here)
    const r = rand([B, n], { generator }).toFloat32Array();
    const mask = new Float32Array(B * K * n);
    for (let b = 0; b < B; b++)
      for (let s = 0; s < n; s++) {
        let k = 0,
          acc = w[b * K];
        while (k < K - 1 && r[b * n + s] >= acc) acc += w[b * K + ++k];
        mask[(b * K + k) * n + s] = 1;
      }
    const z = K === 1 ? zk.squeeze(1) : zk.mul(fromTypedArray(mask, [B, K, 1, n])).sum(1);
    return z.permute([1, 0, 2]).reshape([D, B * n]);
  }

  sample(context: Tensor, n: number, generator?: Generator): Tensor {
    const B = context.shape[0];
    return this.sampleByParameter(context, n, generator)
      .reshape([this.dim, B, n])
      .permute([1, 2, 0])
      .contiguous();
  }
}

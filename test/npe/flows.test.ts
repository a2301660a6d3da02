import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  couplingMask,
  createFlow,
  flowConfigSchema,
  invertUpper,
  type ConditionalDensity,
  type ConditionalFlow,
} from '../../src/npe/flows/index.js';
import { fromTypedArray, ones } from '../../src/torch/creation.js';
import { Generator, randn } from '../../src/torch/random.js';
import { noGrad } from '../../src/torch/autograd.js';
import { scope } from '../../src/torch/scope.js';
import { Adam } from '../../src/torch/optim/index.js';

/** A flow whose every weight is drawn at a visible scale, so it is far from the identity it starts at. */
type Head = 'gaussian' | 'maf' | 'nsf' | 'coupling' | 'nsf_coupling' | 'mdn';

function randomFlow(name: Head, seed: number, scale = 0.3): ConditionalDensity {
  const g = new Generator(seed);
  const flow = createFlow(
    flowConfigSchema.parse({ name, layers: 3, hidden: 16, bins: 6, bound: 3, components: 3 }),
    2,
    3,
    g,
  );
  noGrad(() => {
    for (const p of flow.parameters()) p.add_(randn(p.shape, { generator: g }).mul(scale));
  });
  return flow;
}

const context = fromTypedArray(Float32Array.from([0.5, -1, 2]), [1, 3]);

for (const name of ['gaussian', 'maf', 'nsf', 'coupling', 'nsf_coupling', 'mdn'] as const) {
  test(`${name}: the density integrates to 1 on a 2-D grid`, () => {
    scope(() => {
      // (the mixture's precisions are exponentials of its weights: at 0.3 a component can be wider than the grid)
      const flow = randomFlow(name, 5, name.endsWith('coupling') || name === 'mdn' ? 0.12 : 0.3);
      // the affine flows have wide tails; the spline has narrow bins (h = 0.04 misses 0.7% of its mass)
      const [h, lim] = name === 'nsf' || name === 'nsf_coupling' ? [0.02, 8] : [0.04, 12];
      const n = Math.round((2 * lim) / h);
      const pts = new Float32Array(n * n * 2);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          pts[(i * n + j) * 2] = -lim + (i + 0.5) * h;
          pts[(i * n + j) * 2 + 1] = -lim + (j + 0.5) * h;
        }
      const z = fromTypedArray(pts, [n * n, 2]);
      const lp = noGrad(() => flow.logProb(z, context.expand([n * n, 3])));
      const mass = lp.exp().sum().item() * h * h;
      assert.ok(Math.abs(mass - 1) < 3e-3, `${name}: integral ${mass}`);
    });
  });

  if (name === 'mdn') continue; // a mixture has no bijection to a base
  test(`${name}: sampling inverts the density direction`, () => {
    scope(() => {
      const flow = randomFlow(name, 9) as ConditionalFlow;
      const c = context.expand([200, 3]);
      const u = randn([200, 2], { generator: new Generator(1) });
      const z = noGrad(() => flow.inverse(u, c));
      const back = noGrad(() => flow.toBase(z, c).u);
      const err = back.sub(u).abs().max().item();
      assert.ok(err < 1e-3, `${name}: |toBase(inverse(u)) - u| = ${err}`);
    });
  });
}

for (const name of ['maf', 'coupling', 'nsf_coupling', 'mdn'] as const)
  test(`${name} fitted to a correlated Gaussian recovers its mean and covariance`, () => {
    scope(() => {
      const g = new Generator(2);
      const flow = createFlow(
        flowConfigSchema.parse({ name, layers: name === 'maf' ? 2 : 4, hidden: 32 }),
        2,
        1,
        g,
      );
      const opt = new Adam(flow.parameters(), { lr: 3e-3 });
      // target: mean (1, -2), cov [[1, 0.8 * 0.5], [0.8 * 0.5, 0.25]]
      const mean = [1, -2],
        L = [
          [1, 0],
          [0.8 * 0.5, 0.6 * 0.5],
        ];
      const B = 256;
      for (let step = 0; step < (name === 'maf' ? 600 : 1000); step++) {
        scope(() => {
          const e = randn([B, 2], { generator: g }).toFloat32Array();
          const x = new Float32Array(B * 2);
          for (let b = 0; b < B; b++) {
            x[2 * b] = mean[0] + L[0][0] * e[2 * b];
            x[2 * b + 1] = mean[1] + L[1][0] * e[2 * b] + L[1][1] * e[2 * b + 1];
          }
          opt.zeroGrad();
          const loss = flow
            .logProb(fromTypedArray(x, [B, 2]), ones([B, 1]))
            .mean()
            .neg();
          loss.backward();
          opt.step();
        });
      }
      const s = noGrad(() => flow.sample(ones([1, 1]), 20000, g)).toFloat32Array();
      let m0 = 0,
        m1 = 0;
      const N = s.length / 2;
      for (let i = 0; i < N; i++) {
        m0 += s[2 * i];
        m1 += s[2 * i + 1];
      }
      m0 /= N;
      m1 /= N;
      let c00 = 0,
        c01 = 0,
        c11 = 0;
      for (let i = 0; i < N; i++) {
        const a = s[2 * i] - m0,
          b = s[2 * i + 1] - m1;
        c00 += a * a;
        c01 += a * b;
        c11 += b * b;
      }
      c00 /= N;
      c01 /= N;
      c11 /= N;
      assert.ok(Math.abs(m0 - 1) < 0.06 && Math.abs(m1 + 2) < 0.04, `mean ${m0}, ${m1}`);
      assert.ok(Math.abs(c00 - 1) < 0.1, `var0 ${c00}`);
      assert.ok(Math.abs(c11 - 0.25) < 0.03, `var1 ${c11}`);
      assert.ok(Math.abs(c01 - 0.4) < 0.05, `cov ${c01}`);
    });
  });

test('coupling masks: every dimension is transformed every two layers, every pair is split in some layer', () => {
  for (const D of [2, 3, 7, 9]) {
    const L = 2 * Math.ceil(Math.log2(D));
    const split = new Set<string>();
    for (let l = 0; l < L; l++) {
      const { keep, change } = couplingMask(D, l);
      assert.deepEqual(
        [...keep, ...change].sort((a, b) => a - b),
        Array.from({ length: D }, (_, i) => i),
      );
      assert.ok(keep.length > 0 && change.length > 0, `D=${D} layer ${l}`);
      if (l % 2 === 1) {
        const prev = couplingMask(D, l - 1);
        assert.deepEqual(
          [...prev.change, ...change].sort((a, b) => a - b),
          Array.from({ length: D }, (_, i) => i),
        );
      }
      for (const a of keep) for (const b of change) split.add(`${Math.min(a, b)},${Math.max(a, b)}`);
    }
    assert.equal(split.size, (D * (D - 1)) / 2, `D=${D}: pairs split`);
  }
});

for (const name of ['coupling', 'nsf_coupling'] as const)
  test(`${name}: sample() with shared context terms equals inverse() of the same base draws`, () => {
    scope(() => {
      const flow = randomFlow(name, 4) as ConditionalFlow;
      const ctx = fromTypedArray(Float32Array.from([0.5, -1, 2, -0.3, 0.2, 1]), [2, 3]);
      const fast = noGrad(() => flow.sample(ctx, 50, new Generator(7)));
      const u = randn([100, 2], { generator: new Generator(7) });
      const rows = ctx.unsqueeze(1).expand([2, 50, 3]).reshape([100, 3]);
      const slow = noGrad(() => flow.inverse(u, rows)).reshape([2, 50, 2]);
      const err = fast.sub(slow).abs().max().item();
      assert.ok(err < 1e-5, `|sample - inverse| = ${err}`);
    });
  });

test('coupling: sampleByParameter() (parameter-major, hidden layers, D = 7) equals inverse() of the same base draws', () => {
  scope(() => {
    const g = new Generator(11);
    const flow = createFlow(
      flowConfigSchema.parse({ name: 'coupling', layers: 4, hidden: 16, blocks: 2 }),
      7,
      3,
      g,
    ) as ConditionalFlow;
    noGrad(() => {
      for (const p of flow.parameters()) p.add_(randn(p.shape, { generator: g }).mul(0.2));
    });
    const ctx = fromTypedArray(Float32Array.from([0.5, -1, 2, -0.3, 0.2, 1]), [2, 3]);
    const byParameter = noGrad(() => flow.sampleByParameter(ctx, 30, new Generator(7)));
    assert.deepEqual(byParameter.shape, [7, 60]);
    const u = randn([60, 7], { generator: new Generator(7) });
    const rows = ctx.unsqueeze(1).expand([2, 30, 3]).reshape([60, 3]);
    const slow = noGrad(() => flow.inverse(u, rows));
    const err = byParameter.t().sub(slow).abs().max().item();
    assert.ok(err < 1e-4, `|sampleByParameter - inverse| = ${err}`);
  });
});

test('mdn: the precision factor inverts exactly; draws follow each component with its weight', () => {
  // a 3 x 3 upper-triangular U and its inverse: U U^-1 = I
  const U = [2, 0.5, -1, 0, 0.25, 3, 0, 0, 4];
  const inv = new Float32Array(9);
  invertUpper(U, inv, 3);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let v = 0;
      for (let k = 0; k < 3; k++) v += U[i * 3 + k] * inv[k * 3 + j];
      assert.ok(Math.abs(v - (i === j ? 1 : 0)) < 1e-6, `(U U^-1)[${i}][${j}] = ${v}`);
    }
  // draws of a random 2-D mixture: their mean and covariance are the mixture's, computed from its parameters
  scope(() => {
    const flow = randomFlow('mdn', 3, 0.3) as unknown as {
      params(
        c: ReturnType<typeof fromTypedArray>,
      ): Record<'logW' | 'mu' | 'U', { toFloat32Array(): Float32Array }>;
    } & ConditionalDensity;
    const p = noGrad(() => flow.params(context));
    const w = Array.from(p.logW.toFloat32Array(), Math.exp);
    const mu = p.mu.toFloat32Array(),
      u = p.U.toFloat32Array();
    const K = w.length;
    // mixture moments: mean = sum w mu, cov = sum w (Sigma_k + mu_k mu_k^T) - mean mean^T, Sigma_k = U^-1 U^-T
    const mean = [0, 0];
    const second = [0, 0, 0];
    for (let k = 0; k < K; k++) {
      const L = new Float32Array(4);
      invertUpper(u.subarray(k * 4, k * 4 + 4), L, 2);
      const S = [L[0] * L[0] + L[1] * L[1], L[1] * L[3], L[3] * L[3]];
      const [a, b] = [mu[2 * k], mu[2 * k + 1]];
      mean[0] += w[k] * a;
      mean[1] += w[k] * b;
      second[0] += w[k] * (S[0] + a * a);
      second[1] += w[k] * (S[1] + a * b);
      second[2] += w[k] * (S[2] + b * b);
    }
    const cov = [second[0] - mean[0] ** 2, second[1] - mean[0] * mean[1], second[2] - mean[1] ** 2];
    const s = noGrad(() => flow.sample(context, 40000, new Generator(4))).toFloat32Array();
    const N = s.length / 2;
    const m = [0, 0],
      c = [0, 0, 0];
    for (let i = 0; i < N; i++) {
      m[0] += s[2 * i] / N;
      m[1] += s[2 * i + 1] / N;
    }
    for (let i = 0; i < N; i++) {
      const [a, b] = [s[2 * i] - m[0], s[2 * i + 1] - m[1]];
      c[0] += (a * a) / N;
      c[1] += (a * b) / N;
      c[2] += (b * b) / N;
    }
    const sd = Math.sqrt(Math.max(cov[0], cov[2]));
    for (const j of [0, 1])
      assert.ok(Math.abs(m[j] - mean[j]) < 0.03 * sd, `mean ${j}: ${m[j]} vs ${mean[j]}`);
    for (const j of [0, 1, 2])
      assert.ok(Math.abs(c[j] - cov[j]) < 0.04 * sd * sd, `cov ${j}: ${c[j]} vs ${cov[j]}`);
    // and sampleByParameter is the same draws, transposed
    const byParameter = noGrad(() => flow.sampleByParameter(context, 50, new Generator(8))).toFloat32Array();
    const rows = noGrad(() => flow.sample(context, 50, new Generator(8))).toFloat32Array();
    for (let i = 0; i < 50; i++)
      for (let j = 0; j < 2; j++) assert.equal(byParameter[j * 50 + i], rows[i * 2 + j]);
  });
});

test('scaled draws: the mixture maps its components, any other head its draws; both are A about the mean', () => {
  // two contexts, each with its own A; from the same random numbers, the draws' covariance must be A Σ Aᵀ of the
  // unscaled draws' Σ, and their mean the same, for the mixture (which maps its components about its closed-form
  // mean) and for a coupling flow (the base class: the draws about their own mean)
  const ctx = fromTypedArray(Float32Array.from([0.5, -1, 2, -0.3, 0.8, 0.1]), [2, 3]);
  const A = Float32Array.from([2, 0.5, 0, 0.5, 1, -0.4, 0.3, 1.5]);
  const n = 40000;
  const moments = (z: Float32Array, b: number) => {
    // z [2, 2·n] parameter-major: context b's draws are columns b·n .. (b + 1)·n
    const at = (j: number, s: number) => z[j * 2 * n + b * n + s];
    const m = [0, 1].map((j) => {
      let v = 0;
      for (let s = 0; s < n; s++) v += at(j, s) / n;
      return v;
    });
    const c = [0, 0, 0];
    for (let s = 0; s < n; s++) {
      const [x, y] = [at(0, s) - m[0], at(1, s) - m[1]];
      c[0] += (x * x) / n;
      c[1] += (x * y) / n;
      c[2] += (y * y) / n;
    }
    return { m, c };
  };
  for (const name of ['mdn', 'coupling'] as const)
    scope(() => {
      const flow = randomFlow(name, 3, name === 'mdn' ? 0.3 : 0.12);
      const raw = noGrad(() => flow.sampleByParameter(ctx, n, new Generator(4))).toFloat32Array();
      const means: number[][] = [];
      const scaled = noGrad(() =>
        flow.sampleScaledByParameter(
          ctx,
          n,
          (mean) => {
            for (const b of [0, 1]) means.push([mean(b, 0), mean(b, 1)]);
            return A;
          },
          new Generator(4),
        ),
      ).toFloat32Array();
      for (const b of [0, 1]) {
        const r = moments(raw, b),
          s = moments(scaled, b);
        const a = A.subarray(4 * b, 4 * b + 4);
        // A Σ Aᵀ of the raw draws' covariance Σ
        const S = [
          [r.c[0], r.c[1]],
          [r.c[1], r.c[2]],
        ];
        const AS = [0, 1].map((i) => [0, 1].map((j) => a[2 * i] * S[0][j] + a[2 * i + 1] * S[1][j]));
        const want = [
          AS[0][0] * a[0] + AS[0][1] * a[1],
          AS[0][0] * a[2] + AS[0][1] * a[3],
          AS[1][0] * a[2] + AS[1][1] * a[3],
        ];
        const sd = Math.sqrt(Math.max(want[0], want[2]));
        for (const j of [0, 1]) {
          assert.ok(Math.abs(s.m[j] - r.m[j]) < 0.03 * sd, `${name} ${b}: mean ${j} ${s.m[j]} vs ${r.m[j]}`);
          // the mean handed to the scaling is the head's (closed form or the draws'): the raw draws' to sampling error
          assert.ok(Math.abs(means[b][j] - r.m[j]) < 0.03 * sd, `${name} ${b}: centre ${j} ${means[b][j]}`);
        }
        for (const j of [0, 1, 2])
          assert.ok(
            Math.abs(s.c[j] - want[j]) < 0.01 * sd * sd,
            `${name} ${b}: cov ${j}: ${s.c[j]} vs A Σ Aᵀ ${want[j]}`,
          );
      }
    });
});

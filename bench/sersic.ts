/**
 * npx tsx bench/sersic.ts --run RUN [--galaxies 1000] [--lsq 50] [--mcmc 4] [--threads N]: a trained `lensfind sersic` run against
 * two references on galaxies of its own simulator (held-out stream 3, with noise); with the run's recalibration
 * (`sersic calibrate`) when it has one, reported beside the flow's own draws:
 *  - speed: 1,000 posterior draws per galaxy for `--galaxies` galaxies, against SciPy's least_squares fit of the
 *    same Sérsic model (bench/sersic_lsq.py, Debian's /usr/bin/python3) of the first `--lsq` of them, per galaxy;
 *  - the likelihood reference: for the first `--mcmc` galaxies with SNR in `--mcmc-snr LO[,HI]` (default 50 and
 *    above), the exact posterior sampled by the ensemble sampler (src/npe/mcmc.ts), compared with the flow:
 *    |mean difference| / MCMC sd and the ratio of 68% widths.
 * Writes bench.json into the run's check/ folder and prints a table.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { npe, io, torch, sim } from '../src/index.js';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    galaxies: { type: 'string', default: '1000' },
    lsq: { type: 'string', default: '50' },
    mcmc: { type: 'string', default: '4' },
    'mcmc-snr': { type: 'string', default: '50' },
    walkers: { type: 'string', default: '32' },
    steps: { type: 'string', default: '1500' },
    threads: { type: 'string' },
  },
});
if (!values.run) throw new Error('--run RUN is required');
const run = npe.loadSersicRun(values.run);
const { config, space, net } = run;
torch.setNumThreads(values.threads ? Number(values.threads) : (config.threads ?? availableParallelism()));
const N = Number(values.galaxies);
const D = space.dim;
const renderer = npe.makeRenderer({ ...config }, space);
const P = config.image_size ** 2;
const band = renderer.bands[0];

// held-out galaxies in physical units (their own stream: neither training, validation, check nor calibrate)
const raw = new Float32Array(N * P);
const truth = new Float64Array(N * D);
for (let i = 0; i < N; i++) {
  const rng = sim.Rng.forItem(config.seed, i, npe.STREAM.bench);
  space.samplePrior(rng, truth, i * D);
  raw.set(renderer.render(truth, rng, i * D), i * P);
}
const xn = npe.normalizeImages(Float32Array.from(raw), [band.sigma], P);

// flow: 1,000 draws per galaxy
const S = 1000;
// warm-up (first allocations, the allocator's caches, thread pools) over the same galaxies, so the timed passes
// below measure the steady state, as SciPy's timing starts after its imports
for (const recalibration of [undefined, run.recalibration])
  npe.samplePosterior(net, space, xn, N, S, { generator: new torch.Generator(0), recalibration });
// wall time, and CPU time (user + system of every thread): on a shared machine the CPU time is the fairer figure
const t0 = performance.now();
const c0 = process.cpuUsage();
const draws = npe.samplePosterior(net, space, xn, N, S, { generator: new torch.Generator(1) });
const flowMs = (performance.now() - t0) / N;
const cpu = process.cpuUsage(c0);
const flowCpuMs = (cpu.user + cpu.system) / 1000 / N;
console.log(
  `flow: ${N} galaxies x ${S} draws, ${flowMs.toFixed(2)} ms per galaxy, CPU ${flowCpuMs.toFixed(2)} ms (${torch.getNumThreads()} threads)`,
);
// the same draws (same generator seed) with the run's recalibration
let recal: { draws: Float64Array; ms: number } | undefined;
if (run.recalibration) {
  const t = performance.now();
  const d = npe.samplePosterior(net, space, xn, N, S, {
    generator: new torch.Generator(1),
    recalibration: run.recalibration,
  });
  recal = { draws: d, ms: (performance.now() - t) / N };
  console.log(`recalibrated flow: ${recal.ms.toFixed(2)} ms per galaxy`);
}

// SciPy least squares on the first L
const L = Math.min(N, Number(values.lsq));
const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-bench-sersic-'));
io.writeNpy(
  path.join(dir, 'images.npy'),
  raw.subarray(0, L * P),
  [L, 1, config.image_size, config.image_size],
  'float32',
);
const bounds = space.names.map((_, j) => space.bounds(j));
const lsqCfg = {
  images: path.join(dir, 'images.npy'),
  out: path.join(dir, 'fits.json'),
  count: L,
  pixel_scale: renderer.pixelScale,
  zero_point: band.zeroPoint,
  sigma: band.sigma,
  exposure: band.noise.exposureTotal,
  seeing: sim.loadSurvey(config.survey).bands[config.bands[0]].seeing,
  lo: bounds.map((b) => b[0]),
  hi: bounds.map((b, j) => (space.names[j] === 'phi' ? 180 : b[1])),
};
writeFileSync(path.join(dir, 'lsq.json'), JSON.stringify(lsqCfg));
const py =
  L > 0
    ? spawnSync(
        '/usr/bin/python3',
        [path.join(import.meta.dirname, 'sersic_lsq.py'), path.join(dir, 'lsq.json')],
        {
          stdio: 'inherit',
        },
      )
    : null;
let lsq: { per_galaxy_ms: number; cpu_per_galaxy_ms: number; fits: { params: number[] }[] } | null = null;
if (py?.status === 0) {
  lsq = JSON.parse(readFileSync(lsqCfg.out, 'utf8'));
  console.log(
    `scipy least_squares: ${L} galaxies, ${lsq!.per_galaxy_ms.toFixed(1)} ms per galaxy, CPU ${lsq!.cpu_per_galaxy_ms.toFixed(1)} ms`,
  );
} else if (py) console.log('scipy least_squares: failed (is python3-scipy installed?)');

// accuracy of both on the first L: median |dmag|, R_e and n relative errors
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const flowMed = (g: number, j: number) => npe.summarise(draws, g * S * D + j, S, D).median;
const errs = (est: (g: number, j: number) => number) => ({
  mag: med(Array.from({ length: L }, (_, g) => Math.abs(est(g, 0) - truth[g * D]))),
  R_sersic: med(Array.from({ length: L }, (_, g) => Math.abs(est(g, 1) / truth[g * D + 1] - 1))),
  n_sersic: med(Array.from({ length: L }, (_, g) => Math.abs(est(g, 2) / truth[g * D + 2] - 1))),
});
const accuracy =
  L > 0 ? { flow: errs(flowMed), lsq: lsq ? errs((g, j) => lsq!.fits[g].params[j]) : null } : null;
if (accuracy) console.log('median errors on the same galaxies:', JSON.stringify(accuracy));

// MCMC reference on K bright galaxies
const K = Number(values.mcmc);
const W = Number(values.walkers),
  T = Number(values.steps);
const mcmc: Record<string, unknown>[] = [];
const periods = space.periods();
const [snrLo, snrHi = Infinity] = values['mcmc-snr'].split(',').map(Number);
if (!(snrLo >= 0 && snrHi > snrLo))
  throw new Error(`--mcmc-snr: expected LO or LO,HI with HI > LO, got ${values['mcmc-snr']}`);
for (let g = 0; g < N && mcmc.length < K; g++) {
  const snr = npe.galaxySnr(renderer, truth, g * D);
  if (snr < snrLo || snr >= snrHi) continue;
  const logPost = npe.sersicLogPosterior(renderer, space, raw.subarray(g * P, (g + 1) * P));
  // walkers start in a small ball around flow draws (the sampler then forgets them over the burn-in)
  const init = new Float64Array(W * D);
  const zz = new Float64Array(D);
  for (let w = 0; w < W; w++) {
    space.toZ(draws, zz, (g * S + w) * D, 0);
    init.set(zz, w * D);
  }
  const t1 = performance.now();
  const r = npe.ensembleSample(logPost, init, D, new sim.Rng(g), {
    walkers: W,
    steps: T,
    burn: Math.floor(T / 2),
  });
  const secs = (performance.now() - t1) / 1000;
  const M = r.chain.length / D;
  const chainTheta = space.fromZRows(r.chain, M);
  // the refined posterior of the same galaxy (the flow importance-sampled towards the exact posterior)
  const t2 = performance.now();
  const refined = npe.refinePosteriors(
    net,
    space,
    renderer,
    raw.subarray(g * P, (g + 1) * P),
    xn.subarray(g * P, (g + 1) * P),
    1,
    { samples: S, seed: 1 },
  );
  const refineSecs = (performance.now() - t2) / 1000;
  // |mean difference| / MCMC sd and the ratio of 68% widths of draws (offset, stride D) against the chain's
  const versus = (d: Float64Array, offset: number, j: number, a: ReturnType<typeof npe.summarise>) => {
    const b = npe.summarise(d, offset + j, S, D, periods[j]);
    let dm = b.mean - a.mean;
    if (periods[j]) dm = (((dm % 180) + 270) % 180) - 90;
    return {
      mean: b.mean,
      diffSigma: Math.abs(dm) / a.std,
      widthRatio:
        (b.p84 - b.p16 + (periods[j] && b.p84 < b.p16 ? 180 : 0)) /
        (a.p84 - a.p16 + (periods[j] && a.p84 < a.p16 ? 180 : 0)),
    };
  };
  const cmp = space.names.map((name, j) => {
    const a = npe.summarise(chainTheta, j, M, D, periods[j]);
    const f = versus(draws, g * S * D, j, a);
    const r = versus(refined.theta, 0, j, a);
    const c = recal ? versus(recal.draws, g * S * D, j, a) : undefined;
    return {
      name,
      truth: truth[g * D + j],
      mcmcMean: a.mean,
      flowMean: f.mean,
      meanDiffSigma: f.diffSigma,
      widthRatio68: f.widthRatio,
      refinedMean: r.mean,
      refinedMeanDiffSigma: r.diffSigma,
      refinedWidthRatio68: r.widthRatio,
      ...(c ? { recalibratedMeanDiffSigma: c.diffSigma, recalibratedWidthRatio68: c.widthRatio } : {}),
    };
  });
  const refineInfo = {
    seconds: refineSecs,
    ess: refined.ess[0],
    flowEss: refined.flowEss[0],
    rounds: refined.rounds[0],
    draws: refined.draws[0],
  };
  mcmc.push({
    galaxy: g,
    snr,
    acceptance: r.acceptance,
    seconds: secs,
    refined: refineInfo,
    parameters: cmp,
  });
  console.log(
    `galaxy ${g} (SNR ${snr.toFixed(0)}, acceptance ${r.acceptance.toFixed(2)}, ${secs.toFixed(0)} s; refined in ` +
      `${refineSecs.toFixed(2)} s, ${refined.rounds[0]} rounds, ESS ${refined.ess[0].toFixed(0)} of ${refined.draws[0]}, ` +
      `flow's own ESS ${refined.flowEss[0].toFixed(1)} of ${refined.roundDraws}):`,
  );
  for (const c of cmp)
    console.log(
      `  ${c.name.padEnd(9)} truth ${c.truth.toFixed(3).padStart(8)} mcmc ${c.mcmcMean.toFixed(3).padStart(8)} flow ${c.flowMean.toFixed(3).padStart(8)}  |dmean|/sd ${c.meanDiffSigma.toFixed(2)}  width ratio ${c.widthRatio68.toFixed(2)}` +
        `  refined |dmean|/sd ${c.refinedMeanDiffSigma.toFixed(2)}  width ratio ${c.refinedWidthRatio68.toFixed(2)}` +
        (c.recalibratedWidthRatio68 !== undefined
          ? `  recalibrated |dmean|/sd ${c.recalibratedMeanDiffSigma!.toFixed(2)}  width ratio ${c.recalibratedWidthRatio68.toFixed(2)}`
          : ''),
    );
}

const out = {
  run: values.run,
  galaxies: N,
  flow_ms_per_galaxy: flowMs,
  lsq_ms_per_galaxy: lsq?.per_galaxy_ms ?? null,
  speedup: lsq ? lsq.per_galaxy_ms / flowMs : null,
  flow_cpu_ms_per_galaxy: flowCpuMs,
  recalibrated_ms_per_galaxy: recal?.ms ?? null,
  lsq_cpu_ms_per_galaxy: lsq?.cpu_per_galaxy_ms ?? null,
  cpu_speedup: lsq ? lsq.cpu_per_galaxy_ms / flowCpuMs : null,
  accuracy,
  mcmc,
};
mkdirSync(path.join(values.run, 'check'), { recursive: true });
writeFileSync(path.join(values.run, 'check', 'bench.json'), JSON.stringify(out, null, 1));
if (lsq)
  console.log(
    `speed-up of the flow over least squares: ${(lsq.per_galaxy_ms / flowMs).toFixed(0)}x per galaxy (wall), ` +
      `${(lsq.cpu_per_galaxy_ms / flowCpuMs).toFixed(0)}x (CPU time)`,
  );

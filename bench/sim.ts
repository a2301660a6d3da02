/**
 * npm run bench:sim [-- --n N] [-- --scene reference|preset|both]: renders LSST-like three-band 64x64 cutouts with 1
 * thread (the main one) and 2 worker threads, through the dataset writer (shards written to a temporary folder),
 * and prints images/s against lenstronomy's figure: wall-clock rates (which depend on what else runs on the
 * machine) and images per CPU-second of the process, the per-core figure, with and without the fixed start-up
 * cost. lenstronomy is not installed here; issue 3 records it: about 140 cutouts/s on one core of this machine for
 * the reference scene. Two scenes:
 *  - reference: lenstronomy's measured scene: every cutout a lens (SIE + shear, Sérsic lens and source from the
 *    uniform ranges), supersampling 2, PSF and noise, no field;
 *  - preset: configs/sim/lsst.yaml as a user runs it: literature populations with their detectability cuts
 *    (lenses re-drawn until detectable), a field of ~10-20 galaxies, satellites and stars in every cutout, observing
 *    conditions per cutout, half lenses and half non-lenses of ten kinds, central supersampling 6. lenstronomy
 *    would render each of those galaxies over the whole supersampled grid; its rate for this scene is not measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSimulateConfig, simulateDataset } from '../src/sim/dataset/index.js';

const LENSTRONOMY_PER_CORE = 140; // cutouts/s, issue 3 ("measured on this machine")
const TARGET_PER_CORE = 700;

const { values } = parseArgs({
  options: { n: { type: 'string', default: '6000' }, scene: { type: 'string', default: 'both' } },
});
const n = Number(values.n);
const SHARD = 256; // the writer's default shard size (src/sim/config.ts)

const reference = loadSimulateConfig({
  flags: {
    backend: 'physical',
    survey: 'lsst',
    bands: ['g', 'r', 'i'],
    image_size: 64,
    n,
    balance: 1, // every cutout a lens: SIE + shear, lens and source light
    seed: 1,
    output: { shard_size: SHARD, previews: 0 },
  },
  overrides: [
    'scene.supersampling.factor=2',
    'scene.supersampling.central_factor=2',
    'scene.source.clumps.probability=0',
    'scene.population.model=uniform',
    'scene.field.enabled=false',
    'scene.stars.enabled=false',
  ],
});
const preset = loadSimulateConfig({
  preset: 'lsst',
  flags: { n, seed: 1, output: { shard_size: SHARD, previews: 0 } },
});

console.log(
  `machine: ${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)}; lenstronomy reference: ` +
    `${LENSTRONOMY_PER_CORE}/s per core; target ${TARGET_PER_CORE}/s per core`,
);

/** Runs the dataset writer for `count` cutouts; returns wall seconds and CPU seconds of the process (all threads). */
async function run(cfg: typeof reference, workers: number, count: number) {
  const out = mkdtempSync(path.join(tmpdir(), 'lensfind-bench-sim-'));
  try {
    const cpu0 = process.cpuUsage();
    const s = await simulateDataset({ ...cfg, n: count, workers }, { out, quiet: true });
    const cpu = process.cpuUsage(cpu0);
    return { wall: s.seconds, cpu: (cpu.user + cpu.system) / 1e6, rate: s.imagesPerSecond };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const scenes = values.scene === 'both' ? ['reference', 'preset'] : [values.scene ?? 'reference'];
for (const name of scenes) {
  const cfg = name === 'preset' ? preset : reference;
  console.log(
    name === 'preset'
      ? `\npreset scene: ${n} cutouts of configs/sim/lsst.yaml (literature populations, field, conditions, 10 non-lens kinds)`
      : `\nreference scene: ${n} LSST-like lenses [3, 64, 64], supersampling 2, SIE + shear, PSF + noise, no field`,
  );
  const results: { workers: number; rate: number; steady: number; steadyWall: number }[] = [];
  for (const workers of [1, 2]) {
    // A run of one shard per thread measures the fixed costs (worker start-up: loading and compiling the modules,
    // JIT warm-up); the difference to the full run is the CPU time of the remaining cutouts alone.
    const n0 = SHARD * workers;
    const small = await run(cfg, workers, n0);
    const full = await run(cfg, workers, n);
    const perCpu = n / full.cpu;
    const steady = (n - n0) / Math.max(1e-9, full.cpu - small.cpu);
    // the same difference in wall-clock time: the rate once the threads are running
    const steadyWall = (n - n0) / Math.max(1e-9, full.wall - small.wall);
    results.push({ workers, rate: full.rate, steady, steadyWall });
    const label = workers === 1 ? '1 thread' : `${workers} workers`;
    console.log(
      `${label.padEnd(10)} ${full.rate.toFixed(1).padStart(7)} images/s wall ` +
        `(${(full.rate / LENSTRONOMY_PER_CORE).toFixed(2)}x lenstronomy's one core; shared machine); ` +
        `${perCpu.toFixed(1)} images per CPU-second with start-up, ` +
        `${steady.toFixed(1)} without (${(steady / LENSTRONOMY_PER_CORE).toFixed(2)}x lenstronomy per core); ` +
        `${steadyWall.toFixed(1)} images/s wall without start-up`,
    );
  }
  const [one, two] = results;
  console.log(
    `scaling 1 -> 2 workers: ${(two.rate / one.rate).toFixed(2)}x wall, ` +
      `${(two.steadyWall / one.steadyWall).toFixed(2)}x without start-up (ideal 2.00x on 2 free cores); ` +
      `CPU per cutout ${(one.steady / two.steady).toFixed(2)}x that of 1 thread (ideal 1.00: no pool overhead)`,
  );
}

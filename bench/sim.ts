/**
 * npm run bench:sim [-- --n N]: renders LSST-like three-band 64x64 cutouts (supersampling 2, SIE + shear,
 * Sérsic lens and source, PSF and noise) with 1 thread (the main one) and 2 worker threads, through the dataset
 * writer (shards written to a temporary folder), and prints images/s against lenstronomy's figure.
 * lenstronomy is not installed here; issue 3 records it: about 140 such cutouts/s on one core of this machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSimulateConfig, simulateDataset } from '../src/sim/dataset/index.js';

const LENSTRONOMY_PER_CORE = 140; // cutouts/s, issue 3 ("measured on this machine")
const TARGET_PER_CORE = 700;

const { values } = parseArgs({ options: { n: { type: 'string', default: '1000' } } });
const n = Number(values.n);

const cfg = loadSimulateConfig({
  flags: {
    backend: 'physical',
    survey: 'lsst',
    bands: ['g', 'r', 'i'],
    image_size: 64,
    n,
    balance: 1, // every cutout a lens: SIE + shear, lens and source light
    seed: 1,
    output: { shard_size: 64, previews: 0 },
  },
  overrides: [
    'scene.supersampling.factor=2',
    'scene.supersampling.central_factor=2',
    'scene.source.clumps.probability=0',
  ],
});

console.log(
  `lensfind bench:sim: ${n} LSST-like cutouts [3, 64, 64], supersampling 2, SIE + shear, PSF + noise`,
);
console.log(
  `machine: ${availableParallelism()} cores; lenstronomy reference: ${LENSTRONOMY_PER_CORE}/s per core; target ${TARGET_PER_CORE}/s per core`,
);
const results: { workers: number; rate: number }[] = [];
for (const workers of [1, 2]) {
  const out = mkdtempSync(path.join(tmpdir(), 'lensfind-bench-sim-'));
  try {
    const cpu0 = process.cpuUsage();
    const s = await simulateDataset({ ...cfg, workers }, { out, quiet: true });
    const cpu = process.cpuUsage(cpu0);
    // CPU seconds of the whole process (all threads): images per CPU-second is the per-core figure even
    // when other programs share the cores.
    const perCpuSecond = n / ((cpu.user + cpu.system) / 1e6);
    results.push({ workers, rate: s.imagesPerSecond });
    const label = workers === 1 ? '1 thread' : `${workers} workers`;
    console.log(
      `${label.padEnd(12)} ${s.imagesPerSecond.toFixed(1).padStart(8)} images/s  ` +
        `(${(s.imagesPerSecond / LENSTRONOMY_PER_CORE).toFixed(2)}x lenstronomy's one core); ` +
        `${perCpuSecond.toFixed(1)} images per CPU-second`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
const one = results.find((r) => r.workers === 1)!.rate; // one worker would be the main thread plus start-up
const two = results.find((r) => r.workers === 2)!.rate;
console.log(`scaling 1 -> 2 workers: ${(two / one).toFixed(2)}x (ideal 2.00x on 2 free cores)`);

/**
 * npm run bench:scale [-- --sizes 10000,30000,100000 --shard 1000 --size 32 --keep]: peak memory and throughput of
 * `lensfind predict` (ONNX backend, lensnet with its default channels) as the input grows. Generates .npy stacks of
 * [shard, 3, size, size] float32 cutouts (random noise + a blob: the scores do not matter here) in a temporary
 * folder, trains a one-epoch lensnet run to score with, then for each N runs the CLI as a user does
 * (`node bin/lensfind.js predict --input DIR --out cat.parquet`) under /usr/bin/time -v, on a folder holding hard
 * links to the first N/shard stacks (no extra disk). Prints N, wall seconds, images/s, CPU seconds, images per CPU-second and peak RSS; the folder
 * is deleted at the end unless --keep. Heavy: run it with nice on a shared machine.
 */
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeNpy } from '../src/io/npy.js';
import { train } from '../src/train/trainer.js';
import { trainConfigSchema } from '../src/train/schema.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,30000,100000' },
    shard: { type: 'string', default: '1000' },
    size: { type: 'string', default: '32' },
    'batch-size': { type: 'string', default: '256' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const sizes = values.sizes!.split(',').map(Number);
const shard = Number(values.shard);
const px = Number(values.size);
const maxN = Math.max(...sizes);
const files = Math.ceil(maxN / shard);
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/lensfind.js');
const root = values.dir ?? mkdtempSync(path.join(tmpdir(), 'lensfind-scale-'));
mkdirSync(root, { recursive: true });

const need = files * shard * 3 * px * px * 4;
const fs = statfsSync(root);
if (need * 1.1 > fs.bavail * fs.bsize) {
  console.error(`bench:scale: ${(need / 1e9).toFixed(1)} GB of cutouts do not fit in ${root}; lower --sizes`);
  process.exit(2);
}

/** Deterministic noise + a central blob, so the network sees image-like values. */
function stack(seed: number): Float32Array {
  const out = new Float32Array(shard * 3 * px * px);
  let s = seed >>> 0 || 1;
  const c = (px - 1) / 2;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const p = i % (px * px);
    const r2 = (Math.floor(p / px) - c) ** 2 + ((p % px) - c) ** 2;
    out[i] = 2 * Math.exp(-r2 / 8) + ((s >>> 0) / 2 ** 32 - 0.5) * 0.3;
  }
  return out;
}

const all = path.join(root, 'all');
mkdirSync(all, { recursive: true });
const t0 = performance.now();
const name = (i: number) => `stack_${String(i).padStart(5, '0')}.npy`;
for (let i = 0; i < files; i++) writeNpy(path.join(all, name(i)), stack(i + 1), [shard, 3, px, px]);
console.log(
  `bench:scale: ${files} stacks of [${shard}, 3, ${px}, ${px}] (${(need / 1e9).toFixed(2)} GB) in ${((performance.now() - t0) / 1000).toFixed(0)} s, ${root}`,
);

// A run to score with: lensnet, default channels, one epoch on a few stacks.
const data = path.join(root, 'train');
for (const [split, count] of [
  ['train', 64],
  ['val', 16],
] as const) {
  for (const [sub, label] of [
    ['lenses', 1],
    ['nonlenses', 0],
  ] as const) {
    const d = path.join(data, `${split}_${sub}`);
    mkdirSync(d, { recursive: true });
    for (let i = 0; i < count; i++) {
      const x = stack(1000 + i + 100 * label).subarray(0, 3 * px * px);
      writeNpy(path.join(d, `${i}.npy`), x, [3, px, px]);
    }
  }
}
const result = await train(
  trainConfigSchema.parse({
    seed: 0,
    epochs: 1,
    batch_size: 32,
    threads: 2,
    model: { name: 'lensnet' },
    data: { path: data, workers: 0 },
    run: { dir: path.join(root, 'runs'), name: 'scale', tensorboard: false },
  }),
  { console: false },
);

console.log('N\twall s\timages/s\tCPU s\timages/CPU-s\tpeak RSS MB');
for (const n of sizes) {
  const input = path.join(root, `n${n}`);
  mkdirSync(input, { recursive: true });
  for (let i = 0; i < Math.ceil(n / shard); i++) linkSync(path.join(all, name(i)), path.join(input, name(i)));
  const out = path.join(root, `cat${n}`, 'catalog.parquet');
  const args = [
    '-v',
    process.execPath,
    bin,
    'predict',
    '--run',
    result.runDir,
    '--input',
    input,
    '--out',
    out,
  ];
  const r = spawnSync('/usr/bin/time', [...args, '--batch-size', values['batch-size']!], {
    encoding: 'utf8',
  });
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]) / 1024;
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(r.stderr)?.[1] ?? '';
  const secs = wall.split(':').reduce((a, p) => a * 60 + Number(p), 0);
  // CPU seconds: on a shared machine other jobs change the wall time far more than the work done.
  const cpu = ['User', 'System']
    .map((k) => Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(r.stderr)?.[1]))
    .reduce((a, b) => a + b, 0);
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr.split('\n').slice(-30).join('\n'));
    throw new Error(`predict of ${n} cutouts failed (exit ${r.status})`);
  }
  const scored = Number(/scored (\d+) images/.exec(r.stdout)?.[1]);
  if (scored !== n) throw new Error(`predict scored ${scored} of ${n} cutouts`);
  console.log(
    `${n}\t${secs.toFixed(1)}\t${(n / secs).toFixed(0)}\t${cpu.toFixed(1)}\t${(n / cpu).toFixed(0)}\t${rss.toFixed(0)}`,
  );
  rmSync(input, { recursive: true, force: true });
  rmSync(path.dirname(out), { recursive: true, force: true });
}
if (!values.keep) rmSync(root, { recursive: true, force: true });

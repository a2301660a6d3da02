/**
 * npm run bench:scale [-- --sizes 10000,30000,100000 --shard 1000 --size 32 --shards K --dir D --keep --prepare]: peak
 * memory and throughput of
 * `lensfind predict` (ONNX backend, lensnet with its default channels) as the input grows. Generates .npy stacks of
 * [shard, 3, size, size] float32 cutouts (random noise + a blob: the scores do not matter here) in a temporary
 * folder, trains a one-epoch lensnet run to score with, then for each N runs the CLI as a user does
 * (`node bin/lensfind.js predict --input DIR --out cat.parquet`) under /usr/bin/time -v, on a folder holding hard
 * links to the first N/shard stacks (no extra disk). Prints N, wall seconds, images/s, CPU seconds, images per
 * CPU-second and peak RSS; the folder is deleted at the end unless --keep. `--shards K` runs K `predict --shard i/K`
 * processes at once (then `lensfind merge`); `--prepare` only writes the stacks into --dir, which a later call
 * with the same --dir reuses. Heavy: run it with nice on a shared machine.
 */
import { spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encodeNpy, writeNpy } from '../src/io/npy.js';
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
    // Write the stacks (and the run) into --dir and stop: a later call with the same --dir reuses them.
    prepare: { type: 'boolean', default: false },
    shards: { type: 'string', default: '1' },
    // Stacks past the first K are hard links to stack i % K: the pixels' values do not matter here, and 1M
    // cutouts then need K stacks' disk and generating time (12 MB and ~1 CPU-s each at 32x32).
    distinct: { type: 'string' },
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

const all = path.join(root, 'all');
mkdirSync(all, { recursive: true });
const name = (i: number) => `stack_${String(i).padStart(5, '0')}.npy`;
const stackBytes = encodeNpy(new Float32Array(shard * 3 * px * px), [shard, 3, px, px]).length;
// A stack of an earlier --keep/--prepare call into the same --dir is reused (same seed, same bytes).
const present = (i: number) =>
  existsSync(path.join(all, name(i))) && statSync(path.join(all, name(i))).size === stackBytes;
const missing = Array.from({ length: files }, (_, i) => i).filter((i) => !present(i));
const distinct = Math.min(files, Number(values.distinct ?? files));
const need = Math.min(files, distinct) * shard * 3 * px * px * 4;
const fs = statfsSync(root);
if (missing.filter((i) => i < distinct).length * stackBytes * 1.1 > fs.bavail * fs.bsize) {
  console.error(`bench:scale: ${(need / 1e9).toFixed(1)} GB of cutouts do not fit in ${root}; lower --sizes`);
  process.exit(2);
}

/** Deterministic noise + a central blob, so the network sees image-like values. */
function stack(seed: number, count = shard): Float32Array {
  const out = new Float32Array(count * 3 * px * px);
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

const t0 = performance.now();
for (const i of missing) {
  if (i < distinct) writeNpy(path.join(all, name(i)), stack(i + 1), [shard, 3, px, px]);
  else linkSync(path.join(all, name(i % distinct)), path.join(all, name(i)));
}
console.log(
  `bench:scale: ${files} stacks of [${shard}, 3, ${px}, ${px}] (${(need / 1e9).toFixed(2)} GB on disk, ${files - missing.length} reused, ${files - distinct} linked to the first ${distinct}) in ${((performance.now() - t0) / 1000).toFixed(0)} s, ${root}`,
);
if (values.prepare) process.exit(0);

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
      const x = stack(1000 + i + 100 * label, 1);
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

/** One process under /usr/bin/time -v: its wall and CPU seconds, peak RSS (MB) and output. */
interface Timed {
  wall: number;
  cpu: number;
  rss: number;
  stdout: string;
}

function timed(args: string[]): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-v', process.execPath, bin, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) {
        console.error(stdout, stderr.split('\n').slice(-30).join('\n'));
        reject(new Error(`lensfind ${args[0]} failed (exit ${status})`));
        return;
      }
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(stderr)?.[1] ?? '';
      // CPU seconds: on a shared machine other jobs change the wall time far more than the work done.
      const cpu = ['User', 'System']
        .map((k) => Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(stderr)?.[1]))
        .reduce((a, b) => a + b, 0);
      resolve({
        wall: wall.split(':').reduce((a, p) => a * 60 + Number(p), 0),
        cpu,
        rss: Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]) / 1024,
        stdout,
      });
    });
  });
}

const shards = Number(values.shards);
console.log(
  shards > 1
    ? `${shards} concurrent shard processes (predict --shard i/${shards}), then lensfind merge; wall from the first start to the last end, CPU summed, peak RSS of the largest process`
    : 'one predict process',
);
console.log('N\twall s\timages/s\tCPU s\timages/CPU-s\tpeak RSS MB');
for (const n of sizes) {
  const input = path.join(root, `n${n}`);
  mkdirSync(input, { recursive: true });
  for (let i = 0; i < Math.ceil(n / shard); i++) linkSync(path.join(all, name(i)), path.join(input, name(i)));
  const out = path.join(root, `cat${n}`, 'catalog.parquet');
  const args = ['predict', '--run', result.runDir, '--input', input, '--out', out];
  args.push('--batch-size', values['batch-size']!);
  const t = performance.now();
  const runs = await Promise.all(
    shards > 1
      ? Array.from({ length: shards }, (_, i) => timed([...args, '--shard', `${i + 1}/${shards}`]))
      : [timed(args)],
  );
  const wall = shards > 1 ? (performance.now() - t) / 1000 : runs[0].wall;
  const scored = runs.reduce((a, r) => a + Number(/scored (\d+) images/.exec(r.stdout)?.[1]), 0);
  if (scored !== n) throw new Error(`predict scored ${scored} of ${n} cutouts`);
  const cpu = runs.reduce((a, r) => a + r.cpu, 0);
  const rss = Math.max(...runs.map((r) => r.rss));
  console.log(
    `${n}\t${wall.toFixed(1)}\t${(n / wall).toFixed(0)}\t${cpu.toFixed(1)}\t${(n / cpu).toFixed(0)}\t${rss.toFixed(0)}`,
  );
  if (shards > 1) {
    const m = await timed(['merge', '--out', out]);
    console.log(
      `  merge of ${n}: wall ${m.wall.toFixed(1)} s, CPU ${m.cpu.toFixed(1)} s, peak RSS ${m.rss.toFixed(0)} MB`,
    );
  }
  rmSync(input, { recursive: true, force: true });
  rmSync(path.dirname(out), { recursive: true, force: true });
}
if (!values.keep) rmSync(root, { recursive: true, force: true });

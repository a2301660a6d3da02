/**
 * npm run bench:engine [-- --threads 2 --repeats 5 --only train,train-fused,infer,conv,matmul,add]: lensfind's
 * engine against PyTorch (Debian's /usr/bin/python3, torch 1.13, bench/engine_reference.py) on the same work with
 * the same thread count, in one run. ResNet-18 (torchvision layout, 64x64x3, one logit, BCE with logits, AdamW):
 * batch-32 training step (also with the FusedAdamW prototype) and batch-128 inference; micro-ops: conv2d 3x3 64ch
 * on [32,64,32,32], matmul 512x512, a small add (per-call overhead).
 * The two sides alternate repeat by repeat (PyTorch runs as a server answering one timing per request), so both
 * see the same machine load; each figure is the median of the repeats after a warm-up. Ratios are given for wall
 * time and for process CPU time (less sensitive to other processes on a shared machine).
 */
import { parseArgs } from 'node:util';
import { createModel } from '../src/models/registry.js';
import * as F from '../src/torch/functional.js';
import { AdamW, type Optimizer } from '../src/torch/optim/index.js';
import { FusedAdamW } from '../src/torch/optim/fused-adamw.js';
import { Generator, rand, randn } from '../src/torch/random.js';
import { noGrad } from '../src/torch/autograd.js';
import { scope } from '../src/torch/scope.js';
import { setNumThreads, getNumThreads } from '../src/torch/threads.js';
import { libtorchVersion } from '../src/torch/native.js';
import type { Tensor } from '../src/torch/tensor.js';
import { startPytorch } from './engine-pytorch.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '5' },
    only: { type: 'string', default: 'train,train-fused,infer,conv,matmul,add' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const threads = Number(values.threads);
const repeats = Number(values.repeats);
const only = new Set(values.only!.split(','));

/** A task: calls per timing, warm-up calls, images per call (for images/s) and the lensfind implementation. */
interface Task {
  name: string;
  /** The PyTorch task doing the same work. */
  pytorch: string;
  label: string;
  calls: number;
  warmup: number;
  images?: number;
  run: () => void;
}

const pytorch = startPytorch(values.python!, threads);

// ---- lensfind's side ----------------------------------------------------------------------------------------------
setNumThreads(threads);
const gen = new Generator(0);
const model = createModel('resnet18', { inChannels: 3, imageSize: 64, stem: 'imagenet' }, gen);
const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 1e-4 });
const fusedOpt = new FusedAdamW(model.parameters(), { lr: 1e-3, weightDecay: 1e-4 });
const keepAll = (...ts: Tensor[]) => ts.forEach((t) => t.keep());
const x = randn([32, 3, 64, 64], { generator: gen });
const y = scope(() => rand([32, 1], { generator: gen }).gt(0.5).float());
const xi = randn([128, 3, 64, 64], { generator: gen });
const xc = randn([32, 64, 32, 32], { generator: gen });
const wc = randn([64, 64, 3, 3], { generator: gen });
const ma = randn([512, 512], { generator: gen });
const mb = randn([512, 512], { generator: gen });
const sa = randn([64], { generator: gen });
const sb = randn([64], { generator: gen });
keepAll(x, y, xi, xc, wc, ma, mb, sa, sb);

const trainStep = (o: Optimizer) => () =>
  scope(() => {
    model.train();
    o.zeroGrad();
    F.binaryCrossEntropyWithLogits(model.call(x), y).backward();
    o.step();
  });

const tasks: Task[] = [
  {
    name: 'train',
    pytorch: 'train',
    label: 'ResNet-18 train, batch 32',
    calls: 2,
    warmup: 3,
    images: 32,
    run: trainStep(opt),
  },
  {
    name: 'train-fused',
    pytorch: 'train',
    label: 'ResNet-18 train, FusedAdamW',
    calls: 2,
    warmup: 2,
    images: 32,
    run: trainStep(fusedOpt),
  },
  {
    name: 'infer',
    pytorch: 'infer',
    label: 'ResNet-18 inference, batch 128',
    calls: 2,
    warmup: 2,
    images: 128,
    run: () =>
      scope(() => {
        model.eval();
        noGrad(() => model.call(xi));
      }),
  },
  {
    name: 'conv',
    pytorch: 'conv',
    label: 'conv2d 3x3 64->64 [32,64,32,32]',
    calls: 3,
    warmup: 2,
    run: () => scope(() => noGrad(() => F.conv2d(xc, wc, undefined, { padding: 1 }))),
  },
  {
    name: 'matmul',
    pytorch: 'matmul',
    label: 'matmul 512x512',
    calls: 20,
    warmup: 5,
    run: () => scope(() => noGrad(() => ma.matmul(mb))),
  },
  {
    name: 'add',
    pytorch: 'add',
    label: 'add [64]+[64] (per call)',
    calls: 20000,
    warmup: 1000,
    // dispose() right away: what a scope does, without timing the scope's own bookkeeping per call.
    run: () => sa.add(sb).dispose(),
  },
];

function lensfindTiming(t: Task, calls: number): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) t.run();
  const wall = (performance.now() - t0) / 1000 / calls;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 / calls };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const fmtTime = (s: number) =>
  s >= 0.1 ? `${s.toFixed(3)} s` : s >= 1e-4 ? `${(s * 1e3).toFixed(2)} ms` : `${(s * 1e6).toFixed(2)} µs`;

const info = await pytorch.ask('info');
console.log(
  `lensfind bench:engine: libtorch ${libtorchVersion()} (${getNumThreads()} threads) vs PyTorch ${info.torch} ` +
    `(${info.threads} threads); median of ${repeats} alternating repeats after warm-up`,
);
console.log(
  `${'task'.padEnd(32)} ${'lensfind'.padStart(13)} ${'PyTorch'.padStart(13)}  ratio(wall)  ratio(cpu)`,
);
const rows: { label: string; wall: number; cpu: number; images?: number }[] = [];
for (const t of tasks) {
  if (!only.has(t.name)) continue;
  lensfindTiming(t, t.warmup);
  await pytorch.timing(t.pytorch, t.warmup);
  const ours: { wall: number; cpu: number }[] = [];
  const theirs: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < repeats; r++) {
    // Alternate who goes first, so a load change between the two halves does not favour one side.
    if (r % 2 === 0) {
      ours.push(lensfindTiming(t, t.calls));
      theirs.push(await pytorch.timing(t.pytorch, t.calls));
    } else {
      theirs.push(await pytorch.timing(t.pytorch, t.calls));
      ours.push(lensfindTiming(t, t.calls));
    }
  }
  const oursWall = median(ours.map((o) => o.wall));
  const theirsWall = median(theirs.map((o) => o.wall));
  const cpuRatio = median(theirs.map((o) => o.cpu)) / median(ours.map((o) => o.cpu));
  const row = { label: t.label, wall: theirsWall / oursWall, cpu: cpuRatio, images: t.images };
  rows.push(row);
  const rate = (s: number) => (row.images ? `${(row.images / s).toFixed(1)} img/s` : fmtTime(s));
  console.log(
    `${row.label.padEnd(32)} ${rate(oursWall).padStart(13)} ${rate(theirsWall).padStart(13)}  ` +
      `${row.wall.toFixed(2).padStart(11)}  ${row.cpu.toFixed(2).padStart(10)}`,
  );
}
pytorch.close();
console.log('ratio = lensfind speed / PyTorch speed (targets: training >= 0.9, inference >= 1.0)');
for (const r of rows.filter((r) => r.images)) console.log(`  ${r.label}: ${r.wall.toFixed(2)}`);

/**
 * npx tsx bench/engine-profile.ts [--threads 2 --steps 4 --fused]: where lensfind's ResNet-18 training step spends
 * its time, beside PyTorch's: seconds per phase (zeroGrad, forward + loss, backward, optimizer step), the native
 * calls per phase (counted by wrapping every addon function), and the V8 garbage collections during the steps.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { native } from '../src/torch/native.js';
import { createModel } from '../src/models/registry.js';
import * as F from '../src/torch/functional.js';
import { AdamW } from '../src/torch/optim/index.js';
import { FusedAdamW } from '../src/torch/optim/fused-adamw.js';
import { Generator, rand, randn } from '../src/torch/random.js';
import { scope } from '../src/torch/scope.js';
import { setNumThreads } from '../src/torch/threads.js';
import { startPytorch } from './engine-pytorch.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    steps: { type: 'string', default: '4' },
    python: { type: 'string', default: '/usr/bin/python3' },
    fused: { type: 'boolean', default: false },
  },
});
const threads = Number(values.threads);
const steps = Number(values.steps);

// Count calls per addon function (the wrapper costs ~0.1 µs a call, small beside the calls themselves).
const calls = new Map<string, number>();
const addon = native() as Record<string, unknown>;
for (const [name, fn] of Object.entries(addon)) {
  if (typeof fn !== 'function') continue;
  addon[name] = (...args: unknown[]) => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
    return (fn as (...a: unknown[]) => unknown)(...args);
  };
}
let gcCount = 0;
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcCount++;
    gcMs += e.duration;
  }
}).observe({ entryTypes: ['gc'] });

setNumThreads(threads);
const gen = new Generator(0);
const model = createModel('resnet18', { inChannels: 3, imageSize: 64, stem: 'imagenet' }, gen);
const opt = new (values.fused ? FusedAdamW : AdamW)(model.parameters(), { lr: 1e-3, weightDecay: 1e-4 });
const x = randn([32, 3, 64, 64], { generator: gen }).keep();
const y = scope(() => rand([32, 1], { generator: gen }).gt(0.5).float()).keep();
model.train();

const phases = ['zero_grad', 'forward', 'backward', 'step'] as const;
const secs: Record<string, number> = {};
const counts: Record<string, number> = {};
const perPhaseCalls: Record<string, Map<string, number>> = {};
function step(record: boolean): void {
  scope(() => {
    const marks: number[] = [];
    const snap: Map<string, number>[] = [];
    const mark = () => {
      marks.push(performance.now());
      snap.push(new Map(calls));
    };
    mark();
    opt.zeroGrad();
    mark();
    const loss = F.binaryCrossEntropyWithLogits(model.call(x), y);
    mark();
    loss.backward();
    mark();
    opt.step();
    mark();
    if (!record) return;
    phases.forEach((p, i) => {
      secs[p] = (secs[p] ?? 0) + (marks[i + 1] - marks[i]) / 1000 / steps;
      const per = (perPhaseCalls[p] ??= new Map());
      for (const [k, v] of snap[i + 1]) {
        const d = v - (snap[i].get(k) ?? 0);
        if (d > 0) per.set(k, (per.get(k) ?? 0) + d / steps);
      }
      counts[p] = [...per.values()].reduce((a, b) => a + b, 0);
    });
  });
}
for (let i = 0; i < 2; i++) step(false);
gcCount = 0;
gcMs = 0;
for (let i = 0; i < steps; i++) step(true);
const ourGc = { gcCount, gcMs };

const pytorch = startPytorch(values.python!, threads);
await pytorch.ask('phases 2');
const theirs = await pytorch.ask(`phases ${steps}`);
pytorch.close();

const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`.padStart(10);
console.log(`ResNet-18 train step, batch 32, ${threads} threads, ${steps} steps: seconds per phase`);
console.log(`${'phase'.padEnd(10)} ${'lensfind'.padStart(10)} ${'PyTorch'.padStart(10)}  native calls (top)`);
for (const p of phases) {
  const top = [...perPhaseCalls[p].entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(`${p.padEnd(10)} ${ms(secs[p])} ${ms(theirs[p] as number)}  ${counts[p]}: ${top}`);
}
const total = (r: Record<string, unknown>) => phases.reduce((a, p) => a + (r[p] as number), 0);
console.log(`${'total'.padEnd(10)} ${ms(total(secs))} ${ms(total(theirs))}`);
console.log(
  `V8 GCs during lensfind's steps: ${ourGc.gcCount} (${(ourGc.gcMs / steps).toFixed(1)} ms per step)`,
);

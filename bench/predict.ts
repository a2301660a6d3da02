/**
 * npm run bench:predict [-- --threads 2 --repeats 5 --batch 128 --models lensnet,resnet18]: scoring throughput of
 * lensfind on ONNX Runtime (the exported graph, `predict --backend onnx`), lensfind on libtorch (`--backend torch`)
 * and PyTorch (Debian's /usr/bin/python3, bench/predict_reference.py) for lensnet (default channels) and ResNet-18
 * (torchvision's layout), 64x64x3 cutouts, one logit, eval mode, the same thread count everywhere.
 * Each lensfind figure includes what predict does per batch besides the network: the batch is copied in from a
 * Float32Array and the logits copied out. The engines alternate repeat by repeat so all see the same machine
 * load; each figure is the median of the repeats after a warm-up. Prints img/s (per wall second, and per CPU second
 * of the process, which other jobs on a shared machine disturb less) and the ratios to PyTorch.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createModel } from '../src/models/registry.js';
import { OnnxScorer } from '../src/infer/onnx-scorer.js';
import { batchLogits } from '../src/models/logits.js';
import { Generator, randn } from '../src/torch/random.js';
import { setNumThreads } from '../src/torch/threads.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '5' },
    batch: { type: 'string', default: '128' },
    models: { type: 'string', default: 'lensnet,resnet18' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const threads = Number(values.threads);
const repeats = Number(values.repeats);
const batch = Number(values.batch);
const here = path.dirname(fileURLToPath(import.meta.url));

const py = spawn(values.python!, [path.join(here, 'predict_reference.py'), '--threads', String(threads)], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const answers = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
async function ask(line: string): Promise<Record<string, number | string>> {
  py.stdin.write(line + '\n');
  const next = await answers.next();
  if (next.done)
    throw new Error(`bench/predict_reference.py (${values.python}) exited while answering "${line}"`);
  return JSON.parse(next.value) as Record<string, number | string>;
}

setNumThreads(threads);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const info = await ask('info');
console.log(
  `bench:predict: batch ${batch} of [3, 64, 64], ${threads} threads, ${repeats} repeats (median); PyTorch ${info.torch}`,
);

const x = randn([batch, 3, 64, 64], { generator: new Generator(1) }).keep();
const xs = x.toFloat32Array();
const shape: [number, number, number, number] = [batch, 3, 64, 64];
const rows: string[][] = [
  ['model', 'lensfind-ONNX', 'lensfind-libtorch', 'PyTorch', 'ONNX/PyTorch', 'libtorch/PyTorch'],
];
for (const name of values.models!.split(',')) {
  const model = createModel(name, { inChannels: 3, imageSize: 64 }, new Generator(0));
  model.eval();
  const scorer = await OnnxScorer.fromModel(model, { bands: 3, height: 64, width: 64 }, { threads });
  // Calls per timing: about a second of work each.
  const calls = name === 'lensnet' ? 8 : 2;
  /** Wall and process-CPU seconds per call. */
  const timed = async (f: () => unknown) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) await f();
    const c = process.cpuUsage(c0);
    return { wall: (performance.now() - t0) / 1000 / calls, cpu: (c.user + c.system) / 1e6 / calls };
  };
  const timeOnnx = () => timed(() => scorer.logits({ x: xs, shape }));
  const timeTorch = () => timed(() => batchLogits(model, { x: xs, shape }));
  // Warm-up, and the two backends agree on these weights.
  const a = await scorer.logits({ x: xs, shape });
  const b = batchLogits(model, { x: xs, shape });
  let maxDiff = 0;
  for (let i = 0; i < batch; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
  await timeTorch();
  await ask(`${name} ${batch} 1`);
  type T = { wall: number; cpu: number };
  const t: Record<'onnx' | 'torch' | 'py', T[]> = { onnx: [], torch: [], py: [] };
  for (let r = 0; r < repeats; r++) {
    t.onnx.push(await timeOnnx());
    t.torch.push(await timeTorch());
    const ans = await ask(`${name} ${batch} ${calls}`);
    t.py.push({ wall: ans.s as number, cpu: ans.cpu as number });
  }
  await scorer.release();
  // Images per wall second, and per CPU second of the process (less sensitive to other jobs on the machine).
  const ips = (ts: T[], k: keyof T) => batch / median(ts.map((v) => v[k]));
  for (const k of ['wall', 'cpu'] as const) {
    const [o, l, p] = [ips(t.onnx, k), ips(t.torch, k), ips(t.py, k)];
    const label = k === 'wall' ? name : `${name} per CPU-s`;
    rows.push([
      label,
      o.toFixed(0),
      l.toFixed(0),
      p.toFixed(0),
      `${(o / p).toFixed(2)}x`,
      `${(l / p).toFixed(2)}x`,
    ]);
    console.log(`${label}: img/s ONNX ${o.toFixed(0)}, libtorch ${l.toFixed(0)}, PyTorch ${p.toFixed(0)}`);
  }
  console.log(`${name}: max |Δlogit| ONNX vs libtorch ${maxDiff.toExponential(1)}`);
}
py.stdin.end();
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
console.log('');
for (const r of rows) console.log(r.map((v, c) => v.padStart(widths[c])).join('  '));
x.dispose();

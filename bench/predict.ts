/**
 * npm run bench:predict [-- --threads 2 --repeats 5 --batch 128 --models lensnet,resnet18]: scoring throughput of
 * lensfind on ONNX Runtime (the exported graph, `predict --backend onnx`), lensfind on libtorch (`--backend torch`)
 * and PyTorch (Debian's /usr/bin/python3, bench/predict_reference.py) for lensnet (default channels) and ResNet-18
 * (torchvision's layout), 64x64x3 cutouts, one logit, eval mode, the same thread count everywhere.
 * Each lensfind figure includes what predict does per batch besides the network: the batch is copied in from a
 * Float32Array and the logits copied out. The engines alternate repeat by repeat so all see the same machine
 * load; each figure is the median of the repeats after a warm-up. Prints img/s and the ratios to PyTorch.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createModel } from '../src/models/registry.js';
import { OnnxScorer } from '../src/export/onnx-scorer.js';
import { batchLogits } from '../src/train/score.js';
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
  const timeOnnx = async () => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await scorer.logits({ x: xs, shape });
    return (performance.now() - t0) / 1000 / calls;
  };
  const timeTorch = () => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) batchLogits(model, { x: xs, shape });
    return (performance.now() - t0) / 1000 / calls;
  };
  // Warm-up, and the two backends agree on these weights.
  const a = await scorer.logits({ x: xs, shape });
  const b = batchLogits(model, { x: xs, shape });
  let maxDiff = 0;
  for (let i = 0; i < batch; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
  timeTorch();
  await ask(`${name} ${batch} 1`);
  const t: Record<'onnx' | 'torch' | 'py', number[]> = { onnx: [], torch: [], py: [] };
  for (let r = 0; r < repeats; r++) {
    t.onnx.push(await timeOnnx());
    t.torch.push(timeTorch());
    t.py.push((await ask(`${name} ${batch} ${calls}`)).s as number);
  }
  await scorer.release();
  const ips = (s: number) => batch / s;
  const [o, l, p] = [ips(median(t.onnx)), ips(median(t.torch)), ips(median(t.py))];
  rows.push([
    name,
    o.toFixed(0),
    l.toFixed(0),
    p.toFixed(0),
    `${(o / p).toFixed(2)}x`,
    `${(l / p).toFixed(2)}x`,
  ]);
  console.log(
    `${name}: img/s ONNX ${o.toFixed(0)}, libtorch ${l.toFixed(0)}, PyTorch ${p.toFixed(0)} ` +
      `(max |Δlogit| ONNX vs libtorch ${maxDiff.toExponential(1)})`,
  );
}
py.stdin.end();
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
console.log('');
for (const r of rows) console.log(r.map((v, c) => v.padStart(widths[c])).join('  '));
x.dispose();

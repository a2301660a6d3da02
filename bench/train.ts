/**
 * `npm run bench:train`: ResNet-18 training throughput, lensfind versus PyTorch (bench/train_reference.py), on the
 * same DeepLense-layout folder of [3,64,64] float32 .npy cutouts, same batch size, compute threads, one data
 * worker, flips + 90° rotations, AdamW, BCE with logits; images/s measured after 3 warm-up steps on both sides.
 *
 *   npm run bench:train -- [--n 2048] [--batch 32] [--threads 2] [--images 1024] [--data DIR] [--precision bf16-mixed] [--memory-format channels_last]
 * `--precision bf16-mixed` runs both sides' forward passes under CPU autocast to bfloat16 (PyTorch's torch.autocast);
 * `--memory-format channels_last` lays both sides' convolution weights out as NHWC.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { loadSimulateConfig, simulateDataset } from '../src/sim/dataset/index.js';
import { trainConfigSchema } from '../src/train/schema.js';
import { train, type PhaseTimes } from '../src/train/trainer.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2048' },
    batch: { type: 'string', default: '32' },
    threads: { type: 'string', default: '2' },
    images: { type: 'string' },
    data: { type: 'string' },
    side: { type: 'string', default: 'both' },
    repeat: { type: 'string', default: '1' },
    precision: { type: 'string', default: '32' },
    'memory-format': { type: 'string', default: 'contiguous_format' },
  },
});
const N = Number(values.n);
const BATCH = Number(values.batch);
const THREADS = Number(values.threads);
const WARMUP = 3;
/** Images trained on by each side: one epoch over the first IMAGES cutouts (both drop the last partial batch). */
const IMAGES = Math.min(N, Number(values.images ?? N));
const STEPS = Math.floor(IMAGES / BATCH);
const REPEAT = Number(values.repeat);
const PRECISION = values.precision;
const MEMORY_FORMAT = values['memory-format'];

/** Simulates (once, cached in /tmp) N cutouts in the DeepLense layout, all in the training split. */
async function dataset(): Promise<string> {
  if (values.data) return values.data;
  const dir = path.join(tmpdir(), `lensfind-bench-train-${N}`);
  const count = (sub: string) =>
    existsSync(path.join(dir, sub)) ? readdirSync(path.join(dir, sub)).length : 0;
  if (count('train_lenses') + count('train_nonlenses') >= N) return dir;
  console.log(`simulating ${N} cutouts (simple backend, 3x64x64) into ${dir} ...`);
  const cfg = loadSimulateConfig({
    preset: 'simple',
    overrides: ['splits={train: 1, val: 0, test: 0}', 'output.previews=0'],
    flags: { n: N, seed: 0, workers: 1, output: { layout: 'deeplense', format: 'npy' } },
  });
  await simulateDataset(cfg, { out: dir, quiet: true });
  return dir;
}

/** A folder of symlinks to the first `images` cutouts (half per class), so both sides run one epoch of them. */
function subset(dir: string, images: number): string {
  if (images >= N) return dir;
  const out = path.join(tmpdir(), `${path.basename(dir)}-first${images}`);
  for (const sub of ['train_lenses', 'train_nonlenses']) {
    mkdirSync(path.join(out, sub), { recursive: true });
    for (const f of readdirSync(path.join(dir, sub))
      .sort()
      .slice(0, images / 2)) {
      if (!existsSync(path.join(out, sub, f))) symlinkSync(path.join(dir, sub, f), path.join(out, sub, f));
    }
  }
  return out;
}

function runPytorch(data: string): { images_per_s: number; images: number; seconds: number; torch: string } {
  const epochs = Math.max(1, Math.ceil(IMAGES / N));
  const args = [
    'bench/train_reference.py',
    '--data',
    data,
    '--batch',
    String(BATCH),
    '--epochs',
    String(epochs),
  ];
  args.push(
    '--threads',
    String(THREADS),
    '--workers',
    '1',
    '--warmup',
    String(WARMUP),
    '--precision',
    PRECISION,
    '--memory-format',
    MEMORY_FORMAT,
  );
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`train_reference.py failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

async function runLensfind(
  data: string,
): Promise<{ images_per_s: number; images: number; seconds: number; phases: PhaseTimes }> {
  const config = trainConfigSchema.parse({
    seed: 0,
    epochs: 1,
    batch_size: BATCH,
    threads: THREADS,
    precision: PRECISION,
    memory_format: MEMORY_FORMAT,
    data: {
      path: data,
      format: 'deeplense',
      val_fraction: 0,
      workers: 1,
      prefetch: 4,
      normalization: { kind: 'per-image' },
      augmentation: { flip: true, rot90: true },
    },
    model: { name: 'resnet18', stem: 'imagenet', dropout: 0 },
    optim: { name: 'adamw', lr: 1e-3, weight_decay: 1e-4 },
    schedule: { name: 'constant' },
    loss: { name: 'bce' },
    run: { dir: mkdtempSync(path.join(tmpdir(), 'lensfind-bench-runs-')), name: 'bench', tensorboard: false },
  });
  let t0 = 0;
  let seen = 0;
  let warm: PhaseTimes = { data: 0, forward: 0, backward: 0, optimizer: 0, steps: 0 };
  const result = await train(config, {
    console: false,
    maxSteps: STEPS,
    onStep: ({ step, images, phases }) => {
      if (step === WARMUP) {
        t0 = performance.now();
        warm = { ...phases };
      } else if (step > WARMUP) seen += images;
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const k = Object.keys(warm) as (keyof PhaseTimes)[];
  const phases = Object.fromEntries(
    k.map((key) => [key, result.phases[key] - warm[key]]),
  ) as unknown as PhaseTimes;
  return { images_per_s: seen / seconds, images: seen, seconds, phases };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((p, q) => p - q);
  const k = Math.floor(s.length / 2);
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};
const data = subset(await dataset(), IMAGES);
console.log(
  `data ${data}: ${IMAGES} cutouts 3x64x64; resnet18, batch ${BATCH}, threads ${THREADS}, precision ${PRECISION}, ${MEMORY_FORMAT}, ` +
    `${STEPS} steps (${WARMUP} warm-up) per side, ${REPEAT} alternating repeat(s)`,
);
const pyRates: number[] = [];
const lfRates: number[] = [];
for (let r = 0; r < REPEAT; r++) {
  if (values.side !== 'lensfind') {
    const py = runPytorch(data);
    pyRates.push(py.images_per_s);
    console.log(
      `PyTorch ${py.torch}: ${py.images_per_s.toFixed(2)} images/s (${py.images} images in ${py.seconds.toFixed(1)} s)`,
    );
  }
  if (values.side !== 'pytorch') {
    const lf = await runLensfind(data);
    lfRates.push(lf.images_per_s);
    const per = (s: number) => `${((1000 * s) / Math.max(1, lf.phases.steps)).toFixed(0)} ms`;
    console.log(
      `lensfind: ${lf.images_per_s.toFixed(2)} images/s (${lf.images} images in ${lf.seconds.toFixed(1)} s); per step: ` +
        `data wait ${per(lf.phases.data)}, forward+loss ${per(lf.phases.forward)}, backward ${per(lf.phases.backward)}, ` +
        `optimizer ${per(lf.phases.optimizer)}`,
    );
  }
}
if (pyRates.length && lfRates.length) {
  // Each repeat runs the two sides back to back, so a pair shares the machine's load: compare within pairs.
  const ratios = pyRates.map((py, i) => lfRates[i] / py);
  console.log(
    `median images/s: PyTorch ${median(pyRates).toFixed(2)}, lensfind ${median(lfRates).toFixed(2)}; ` +
      `ratio lensfind/PyTorch per pair ${ratios.map((r) => r.toFixed(3)).join(' ')}, median ${median(ratios).toFixed(3)} ` +
      `(target >= 0.9)`,
  );
}

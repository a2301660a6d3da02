// A tiny DeepLense-layout dataset and a tiny trained lensnet run, for the evaluate/ensemble/predict tests.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeNpy } from '../../src/io/npy.js';
import { train } from '../../src/train/trainer.js';
import { trainConfigSchema } from '../../src/train/schema.js';
import { mulberry32 } from '../helpers/mulberry32.js';

/** A [3, size, size] cutout: a central blob, plus a ring for lenses, plus noise. */
export function tinyCutout(label: number, seed: number, size = 16): Float32Array {
  const rnd = mulberry32(seed);
  const out = new Float32Array(3 * size * size);
  const c = (size - 1) / 2;
  const r0 = size * (0.25 + 0.1 * rnd());
  for (let b = 0; b < 3; b++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const r = Math.hypot(x - c, y - c);
        let v = 2 * Math.exp(-(r * r) / 4) + 0.3 * (rnd() - 0.5);
        if (label === 1) v += (0.8 + 0.2 * b) * Math.exp(-((r - r0) ** 2) / 1.5);
        out[b * size * size + y * size + x] = v;
      }
    }
  }
  return out;
}

/** Writes <root>/{train,val,test}_{lenses,nonlenses}/*.npy (only the given splits). */
export function writeTinyDeepLense(
  root: string,
  counts: Partial<Record<'train' | 'val' | 'test', number>>,
  size = 16,
): string {
  let seed = 1;
  for (const [split, n] of Object.entries(counts)) {
    for (const [dir, label] of [
      ['lenses', 1],
      ['nonlenses', 0],
    ] as const) {
      const folder = path.join(root, `${split}_${dir}`);
      mkdirSync(folder, { recursive: true });
      for (let i = 0; i < n; i++) {
        writeNpy(path.join(folder, `${String(i).padStart(4, '0')}.npy`), tinyCutout(label, seed++, size), [
          3,
          size,
          size,
        ]);
      }
    }
  }
  return root;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `lensfind-${prefix}-`));
}

/** Trains a tiny lensnet on a fresh tiny dataset; returns the run folder and the data folder. */
export async function tinyRun(
  name = 'tiny',
  opts: { epochs?: number; size?: number; channels?: number[]; seed?: number } = {},
): Promise<{ runDir: string; dataDir: string; root: string }> {
  const root = tempDir('run');
  const dataDir = writeTinyDeepLense(
    path.join(root, 'data'),
    { train: 24, val: 10, test: 16 },
    opts.size ?? 16,
  );
  const config = trainConfigSchema.parse({
    seed: opts.seed ?? 0,
    epochs: opts.epochs ?? 2,
    batch_size: 16,
    eval_batch_size: 32,
    threads: 1,
    model: { name: 'lensnet', channels: opts.channels ?? [4, 8], dropout: 0 },
    optim: { name: 'adamw', lr: 0.01 },
    schedule: { name: 'constant' },
    data: {
      path: dataDir,
      workers: 0,
      prefetch: 1,
      normalization: { kind: 'asinh-robust', scope: 'dataset', fit_images: 16 },
      augmentation: { flip: true, rot90: true },
    },
    run: { dir: path.join(root, 'runs'), name, tensorboard: false },
  });
  const result = await train(config, { console: false });
  return { runDir: result.runDir, dataDir, root };
}

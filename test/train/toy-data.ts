import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deepMerge } from '../../src/config/load.js';
import { writeNpy } from '../../src/io/npy.js';
import { trainConfigSchema, type TrainConfig } from '../../src/train/schema.js';
import { mulberry32 } from '../helpers/mulberry32.js';

/**
 * One toy cutout [bands, size, size]: a central blob (the "galaxy") plus Gaussian noise; lenses also get a bright
 * ring of radius ~size/4 (an Einstein ring), so a small CNN separates them easily.
 */
export function toyCutout(lens: boolean, seed: number, size = 16, bands = 3): Float32Array {
  const rnd = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const out = new Float32Array(bands * size * size);
  const c = (size - 1) / 2 + (rnd() - 0.5);
  const radius = size / 4 + rnd();
  const blob = 2 + rnd();
  // Non-lenses get the ring's light as three compact companions at the same radius, so brightness alone does
  // not tell the classes apart: the network has to see the ring's shape.
  const phase = rnd() * 2 * Math.PI;
  const companions = [0, 1, 2].map((k) => {
    const a = phase + (k * 2 * Math.PI) / 3 + rnd();
    return [c + radius * Math.cos(a), c + radius * Math.sin(a)];
  });
  for (let b = 0; b < bands; b++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const r = Math.hypot(x - c, y - c);
        let v = blob * Math.exp(-(r * r) / 4) + 0.5 * gauss();
        if (lens) v += 1.2 * Math.exp(-((r - radius) ** 2) / 1.0);
        else for (const [cx, cy] of companions) v += 3.5 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 2);
        out[b * size * size + y * size + x] = v;
      }
    }
  }
  return out;
}

/** Writes a DeepLense-layout folder (train_lenses/, train_nonlenses/) of `perClass` .npy cutouts per class. */
export function writeToyDeepLense(opts: {
  perClass: number;
  size?: number;
  seed?: number;
  dir?: string;
}): string {
  const size = opts.size ?? 16;
  const root = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'lensfind-toy-'));
  for (const [sub, lens] of [
    ['train_lenses', true],
    ['train_nonlenses', false],
  ] as const) {
    mkdirSync(path.join(root, sub), { recursive: true });
    for (let i = 0; i < opts.perClass; i++) {
      const seed = (opts.seed ?? 0) * 1_000_003 + i * 2 + (lens ? 1 : 0);
      writeNpy(path.join(root, sub, `${String(i).padStart(5, '0')}.npy`), toyCutout(lens, seed, size), [
        3,
        size,
        size,
      ]);
    }
  }
  return root;
}

/** A small, fast training config on `data` (lensnet with two tiny blocks), runs written under a temp folder. */
export function toyConfig(data: string, over: Record<string, unknown> = {}): TrainConfig {
  const base = {
    seed: 1,
    epochs: 3,
    batch_size: 16,
    eval_batch_size: 64,
    threads: 1,
    data: {
      path: data,
      val_fraction: 0.25,
      workers: 0,
      normalization: { kind: 'per-image' },
      augmentation: { flip: true, rot90: true },
    },
    model: { name: 'lensnet', channels: [8, 16], dropout: 0.1 },
    optim: { name: 'adamw', lr: 0.01 },
    schedule: { name: 'cosine' },
    run: { dir: mkdtempSync(path.join(tmpdir(), 'lensfind-runs-')), name: 'toy', tensorboard: true },
  };
  return trainConfigSchema.parse(deepMerge(base, over));
}

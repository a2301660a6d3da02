import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { data } from '../../src/index.js';
import { DataError } from '../../src/errors.js';
import { writeFits } from '../../src/io/fits-write.js';
import { writeNpy } from '../../src/io/npy.js';

// Four cutouts [3, 5, 6] (not square, so a swapped H and W shows), labels 1, 0, 1, 0; pixel p of cutout k is
// 50 k + p % 50 (whole numbers below 256, so a PNG holds them exactly): each cutout's sum says which one it is.
const SHAPE = [3, 5, 6] as const;
const SIZE = SHAPE[0] * SHAPE[1] * SHAPE[2];
const LABELS = [1, 0, 1, 0];
const cutout = (k: number) => Float32Array.from({ length: SIZE }, (_, p) => 50 * k + (p % 50));
const sum = (x: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
};
const SUMS = LABELS.map((_, k) => sum(cutout(k)));

/** [bands, H, W] planes to the interleaved RGB bytes of a PNG. */
function rgbBytes(x: Float32Array): Buffer {
  const [, h, w] = SHAPE;
  const out = Buffer.alloc(h * w * 3);
  for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = x[c * h * w + i];
  return out;
}

/** Writes the four cutouts in a format's own layout under `dir`; returns the path to open. */
const WRITERS: Record<string, (dir: string) => Promise<string>> = {
  lensfind: async (dir) => {
    mkdirSync(path.join(dir, 'images'));
    const all = new Float32Array(4 * SIZE);
    LABELS.forEach((_, k) => all.set(cutout(k), k * SIZE));
    writeNpy(path.join(dir, 'images/shard-00000.npy'), all, [4, ...SHAPE]);
    const rows = LABELS.map((l, k) => `c${k},train,${l},images/shard-00000.npy#${k}`);
    writeFileSync(path.join(dir, 'manifest.csv'), ['id,split,label,path', ...rows].join('\n') + '\n');
    return dir;
  },
  deeplense: async (dir) => {
    for (const sub of ['train_lenses', 'train_nonlenses']) mkdirSync(path.join(dir, sub));
    LABELS.forEach((l, k) =>
      writeNpy(path.join(dir, l ? 'train_lenses' : 'train_nonlenses', `c${k}.npy`), cutout(k), SHAPE),
    );
    return dir;
  },
  'png-csv': async (dir) => {
    const [, height, width] = SHAPE;
    for (let k = 0; k < LABELS.length; k++) {
      const raw = { width, height, channels: 3 as const };
      await sharp(rgbBytes(cutout(k)), { raw })
        .png()
        .toFile(path.join(dir, `c${k}.png`));
    }
    const rows = LABELS.map((l, k) => `c${k}.png,${l}`);
    writeFileSync(path.join(dir, 'train.csv'), ['image_path,label', ...rows].join('\n') + '\n');
    return dir;
  },
  fits: async (dir) => {
    LABELS.forEach((_, k) => writeFits(path.join(dir, `c${k}.fits`), cutout(k), SHAPE));
    const rows = LABELS.map((l, k) => `c${k}.fits,${l}`);
    writeFileSync(path.join(dir, 'labels.csv'), ['file,label', ...rows].join('\n') + '\n');
    return dir;
  },
  stack: async (dir) => {
    const all = new Float32Array(4 * SIZE);
    LABELS.forEach((_, k) => all.set(cutout(k), k * SIZE));
    writeNpy(path.join(dir, 'cutouts.npy'), all, [4, ...SHAPE]);
    writeNpy(path.join(dir, 'cutouts_labels.npy'), Float32Array.from(LABELS), [4]);
    return path.join(dir, 'cutouts.npy');
  },
};

test('every registered reader has a tiny dataset here, and data.format accepts exactly the registered names', () => {
  assert.deepEqual(Object.keys(WRITERS).sort(), [...data.DATA_FORMATS].sort());
  assert.deepEqual(
    data.DATA_READERS.map((r) => r.name),
    data.DATA_FORMATS,
  );
  for (const name of data.DATA_FORMATS)
    assert.equal(data.dataConfigSchema.parse({ format: name }).format, name);
  assert.equal(data.dataConfigSchema.parse({}).format, 'auto');
});

for (const reader of data.DATA_READERS) {
  test(`reader ${reader.name}: its layout is detected as ${reader.name} and opens with 4 cutouts [3, 5, 6]`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), `lensfind-reader-${reader.name}-`));
    try {
      const p = await WRITERS[reader.name](dir);
      assert.equal(data.detectFormat(p), reader.name);
      for (const other of data.DATA_READERS)
        if (other !== reader) assert.equal(other.detect(p, statSync(p)), false);
      const listed = data.readItems(p, reader.name);
      assert.equal(listed.items.length, 4);
      assert.deepEqual(listed.skipped, []);
      const ds = await data.openDataset(p, { valFraction: 0 });
      assert.equal(ds.format, reader.name);
      assert.deepEqual([ds.bands, ds.height, ds.width], [...SHAPE]);
      assert.equal(ds.items.length, 4);
      // each cutout comes back whole (its sum says which one) with its own label
      const seen = await Promise.all(
        ds.items.map(async (it, i) => ({ s: sum(await ds.load(i)), label: it.label })),
      );
      seen.sort((a, b) => a.s - b.s);
      assert.deepEqual(
        seen.map((x) => x.s),
        SUMS,
      );
      assert.deepEqual(
        seen.map((x) => x.label),
        LABELS,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('an unknown format or layout: the error lists the registered readers', () => {
  const names = data.DATA_FORMATS;
  assert.throws(
    () => data.dataReader('hdf5'),
    (e: unknown) =>
      e instanceof DataError && names.every((n) => e.message.includes(n)) && /'hdf5'/.test(e.message),
  );
  const bad = data.dataConfigSchema.safeParse({ format: 'hdf5' });
  assert.equal(bad.success, false);
  const msg = bad.error!.issues[0].message;
  for (const n of names) assert.ok(msg.includes(n), `${n} in: ${msg}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-reader-none-'));
  try {
    writeFileSync(path.join(dir, 'notes.txt'), 'no images here\n');
    assert.throws(
      () => data.detectFormat(dir),
      (e: unknown) =>
        e instanceof DataError &&
        /unknown dataset layout/.test(e.message) &&
        names.every((n) => e.message.includes(`(${n})`)),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('.npz images: one key rule for training and predict (a named array of 3+ dimensions first, else any)', () => {
  const arr = (...shape: number[]) => ({ shape });
  const key = (m: [string, { shape: number[] }][]) => data.stackImageKey(new Map(m), 'f.npz');
  assert.equal(
    key([
      ['y', arr(4)],
      ['images', arr(4, 3, 8, 8)],
      ['x', arr(4, 3, 8, 8)],
    ]),
    'x',
  );
  assert.equal(
    key([
      ['x', arr(8, 8)],
      ['cube', arr(4, 8, 8)],
    ]),
    'cube',
  ); // a 2-D 'x' is no stack
  assert.equal(
    key([
      ['y', arr(4)],
      ['pixels', arr(3, 8, 8)],
    ]),
    'pixels',
  );
  assert.throws(
    () =>
      key([
        ['y', arr(4)],
        ['x', arr(8, 8)],
      ]),
    /f\.npz: no image array \(expected one of x, X, images, image, data, arr_0.*found y \[4\], x \[8, 8\]\)/,
  );
});

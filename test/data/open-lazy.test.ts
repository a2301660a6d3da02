import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchLoader, openDataset, splitIndices, type SkippedItem } from '../../src/data/index.js';
import { DataError } from '../../src/errors.js';
import { writeNpy } from '../../src/io/npy.js';

const SHAPE = [2, 4, 4] as const;
const SIZE = SHAPE[0] * SHAPE[1] * SHAPE[2];

/**
 * A lensfind folder of 8 cutouts: a shard of 6 (item 3 holds a NaN), one good single file and one truncated
 * .npy. Pixel values are 100·k + p, so every loaded cutout says which item it is.
 */
function makeDataset(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-lazy-'));
  mkdirSync(path.join(dir, 'images'));
  const shard = new Float32Array(6 * SIZE).map((_, j) => 100 * Math.floor(j / SIZE) + (j % SIZE));
  shard[3 * SIZE + 5] = NaN;
  writeNpy(path.join(dir, 'images/shard-00000.npy'), shard, [6, ...SHAPE]);
  writeNpy(
    path.join(dir, 'images/single.npy'),
    new Float32Array(SIZE).map((_, p) => 600 + p),
    SHAPE,
  );
  writeNpy(path.join(dir, 'images/cut.npy'), new Float32Array(SIZE), SHAPE);
  const whole = readFileSync(path.join(dir, 'images/cut.npy'));
  writeFileSync(path.join(dir, 'images/cut.npy'), whole.subarray(0, whole.length - 20)); // truncated
  const rows = [
    ...[0, 1, 2, 3, 4, 5].map((k) => `c${k},train,${k % 2},images/shard-00000.npy#${k}`),
    'c6,train,1,images/single.npy',
    'c7,train,0,images/cut.npy',
  ];
  writeFileSync(path.join(dir, 'manifest.csv'), ['id,split,label,path', ...rows].join('\n') + '\n');
  return dir;
}

test('validate: false opens without reading the cutouts; a corrupt one is skipped and counted once when loaded', async () => {
  const dir = makeDataset();
  try {
    const eager = await openDataset(dir, { valFraction: 0 });
    assert.deepEqual(eager.skipped.map((s) => path.basename(s.source)).sort(), [
      'cut.npy',
      'shard-00000.npy#3',
    ]);

    const opened: SkippedItem[] = [];
    const ds = await openDataset(dir, { validate: false, valFraction: 0, onSkip: (s) => opened.push(s) });
    assert.equal(ds.items.length, 8, 'bad items are kept until they are loaded');
    assert.deepEqual(ds.skipped, []);
    assert.deepEqual(opened, []);
    assert.deepEqual([ds.bands, ds.height, ds.width], [...SHAPE]);
    const bad = ds.items.findIndex((it) => it.id === 'c3');
    await assert.rejects(
      ds.load(bad),
      (e: unknown) => e instanceof DataError && /NaN|finite/i.test(e.message),
    );

    const skipped: SkippedItem[] = [];
    const loader = new BatchLoader(ds, {
      // Identity: (x - 0) / 1, so batches hold the stored pixels.
      normalization: {
        kind: 'dataset',
        scope: 'dataset',
        softening: 1,
        bands: 2,
        center: [0, 0],
        scale: [1, 1],
      },
      seed: 5,
      workers: 0,
      prefetch: 1,
      onSkip: (s) => skipped.push(s),
    });
    const train = splitIndices(ds.items, 'train');
    try {
      for (const epoch of [0, 1]) {
        const ids: string[] = [];
        for await (const b of loader.epoch(train, {
          epoch,
          batchSize: 3,
          sampler: 'shuffle',
          augment: false,
        })) {
          ids.push(...b.ids);
          // Each kept cutout is its own pixels: 100·k + p.
          b.ids.forEach((id, j) => {
            const k = Number(id.slice(1));
            assert.equal(b.x[j * SIZE + 7], 100 * k + 7, `${id} pixel 7`);
          });
        }
        assert.deepEqual(ids.sort(), ['c0', 'c1', 'c2', 'c4', 'c5', 'c6'], `epoch ${epoch}`);
      }
    } finally {
      await loader.close();
    }
    // Two epochs met each bad file twice; each is reported once.
    assert.deepEqual(skipped.map((s) => path.basename(s.source)).sort(), ['cut.npy', 'shard-00000.npy#3']);
    assert.match(skipped.find((s) => s.source.endsWith('cut.npy'))!.reason, /truncated|short|bytes/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validate: false still reports structural problems at open; a bad first item is skipped there', async () => {
  const dir = makeDataset();
  try {
    const manifest = path.join(dir, 'manifest.csv');
    const text = readFileSync(manifest, 'utf8');
    // The first item is the reference for the shape: a bad one is skipped at open, the next one gives the shape.
    writeFileSync(
      manifest,
      text.replace('c0,train,0,images/shard-00000.npy#0\n', 'c0,train,0,images/cut.npy\n'),
    );
    const ds = await openDataset(dir, { validate: false, valFraction: 0 });
    assert.deepEqual(
      ds.skipped.map((s) => path.basename(s.source)),
      ['cut.npy'],
    );
    assert.equal(ds.items.length, 7);
    assert.deepEqual([ds.bands, ds.height, ds.width], [...SHAPE]);

    writeFileSync(manifest, text.replace(/,1,images/g, ',0,images'));
    await assert.rejects(
      openDataset(dir, { validate: false }),
      (e: unknown) => e instanceof DataError && /no usable images of class lens \(label 1\)/.test(e.message),
    );
    writeFileSync(manifest, text.replace('id,split,label,path', 'id,split,class,path'));
    await assert.rejects(openDataset(dir, { validate: false }), /missing column 'label'/);
    rmSync(manifest);
    await assert.rejects(openDataset(dir, { validate: false, format: 'lensfind' }), /no manifest\.csv/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { applyNormalization, fitNormalization, robustStats } from '../../src/data/index.js';

const ref = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../fixtures/data/transforms.json'), 'utf8'),
);
const x = Float32Array.from(ref.input as number[]);

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `[${i}] ${a[i]} vs ${b[i]}`);
}

test('per-image standardisation equals NumPy per band', async () => {
  const p = await fitNormalization({ bands: 2, load: async () => x }, [0], { kind: 'per-image' });
  close(applyNormalization(p, x), ref.per_image, 1e-5);
});

test('asinh-robust per image equals arcsinh((x - median) / (softening * 1.4826 MAD))', async () => {
  const p = await fitNormalization({ bands: 2, load: async () => x }, [0], {
    kind: 'asinh-robust',
    scope: 'image',
    softening: 2,
  });
  close(applyNormalization(p, x), ref.asinh_image.out, 1e-5);
  const st = robustStats(Float64Array.from([1, 2, 3, 4, 100]));
  assert.equal(st.center, 3);
  assert.ok(Math.abs(st.scale - 1.4826) < 1e-12);
});

test('dataset statistics come from the given training images only, survive JSON, and apply identically', async () => {
  // Band 0 of image i is constant i, band 1 constant 10 i; image 3 (not in the training indices) is huge.
  const imgs = [0, 1, 2, 1000].map((v) => Float32Array.from({ length: 8 }, (_, k) => (k < 4 ? v : 10 * v)));
  const ds = { bands: 2, load: async (i: number) => imgs[i] };
  const p = await fitNormalization(ds, [0, 1, 2], { kind: 'dataset' });
  close(p.center, [1, 10], 1e-12);
  close(p.scale, [Math.sqrt(2 / 3), 10 * Math.sqrt(2 / 3)], 1e-12);
  const back = JSON.parse(JSON.stringify(p));
  const y = applyNormalization(back, imgs[2]);
  close(
    y,
    [...Array(8)].map(() => 1 / Math.sqrt(2 / 3)),
    1e-6,
  );
  assert.deepEqual(applyNormalization(p, imgs[2]), y);
  const r = await fitNormalization(ds, [0, 1, 2], { kind: 'asinh-robust' });
  assert.deepEqual(r.center, [1, 10]);
  close(
    applyNormalization(r, imgs[2]),
    [...Array(4)].map(() => Math.asinh(1 / 1.4826)).concat([...Array(4)].map(() => Math.asinh(10 / 14.826))),
    1e-6,
  );
});

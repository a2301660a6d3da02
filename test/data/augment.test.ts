import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  augmentImage,
  drawAugment,
  flip,
  rot90,
  rotateShift,
  type AugmentConfig,
} from '../../src/data/index.js';

const ref = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../fixtures/data/transforms.json'), 'utf8'),
);
const x = Float32Array.from(ref.input as number[]);
const [B, H, W] = ref.shape as number[];

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

test('rot90 equals np.rot90 on the image axes, and four quarter turns are the identity', () => {
  for (const k of [1, 2, 3]) assert.deepEqual(Array.from(rot90(x, B, H, W, k)), ref[`rot90_${k}`], `k=${k}`);
  let y: Float32Array = x;
  for (let i = 0; i < 4; i++) y = rot90(y, B, H, W, 1);
  assert.deepEqual(y, x);
  assert.throws(() => rot90(new Float32Array(6), 1, 2, 3, 1), /square image/);
});

test('flips equal NumPy slicing', () => {
  assert.deepEqual(Array.from(flip(x, B, H, W, true, false)), ref.flip_x);
  assert.deepEqual(Array.from(flip(x, B, H, W, false, true)), ref.flip_y);
});

test('small rotation + sub-pixel shift equals scipy.ndimage.affine_transform (bilinear, edge mode nearest)', () => {
  const { angle, dx, dy, out } = ref.rotate;
  close(rotateShift(x, B, H, W, angle, dx, dy), out, 1e-4, 'rotate');
  close(rotateShift(x, B, H, W, 0, 0, 0), x, 0, 'identity');
});

const full: AugmentConfig = { flip: true, rot90: true, rotate: 10, shift: 0.5, noise: 0.1, brightness: 0.2 };
const id = (img: Float32Array): Float32Array => img;

test('augmentation keeps the shape, is deterministic per (seed, epoch, index), and varies between them', () => {
  const shape = { bands: B, height: H, width: W };
  const a = augmentImage(x, shape, full, id, 5, 2, 17);
  const b = augmentImage(x, shape, full, id, 5, 2, 17);
  assert.equal(a.length, x.length);
  assert.deepEqual(a, b);
  assert.notDeepEqual(augmentImage(x, shape, full, id, 5, 3, 17), a);
  assert.notDeepEqual(augmentImage(x, shape, full, id, 6, 2, 17), a);
  assert.notDeepEqual(augmentImage(x, shape, full, id, 5, 2, 18), a);
  assert.deepEqual(x, Float32Array.from(ref.input as number[]), 'input unchanged');
  const none: AugmentConfig = { flip: false, rot90: false, rotate: 0, shift: 0, noise: 0, brightness: 0 };
  assert.deepEqual(augmentImage(x, shape, none, id, 5, 2, 17), x);
});

test('turning one augmentation off leaves the draws of the others unchanged', () => {
  const d1 = drawAugment(full, 3, 1, 0, 4);
  const d2 = drawAugment({ ...full, flip: false }, 3, 1, 0, 4);
  assert.equal(d1.k, d2.k);
  assert.equal(d1.angle, d2.angle);
  assert.deepEqual(d1.gains, d2.gains);
  assert.equal(d2.flipX || d2.flipY, false);
  for (const g of d1.gains) assert.ok(g >= 0.8 && g <= 1.2);
  assert.ok(Math.abs(d1.angle) <= (10 * Math.PI) / 180 && Math.abs(d1.dx) <= 0.5);
});

test('rot90 draws cover all four turns about equally', () => {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[drawAugment(full, 1, 9, 0, i).k]++;
  for (const c of counts) assert.ok(c > 900 && c < 1100, `counts ${counts}`);
});

test('a non-square cutout keeps its shape under every draw', () => {
  const img = Float32Array.from({ length: 2 * 4 * 6 }, (_, i) => i);
  for (let i = 0; i < 16; i++) {
    const out = augmentImage(img, { bands: 2, height: 4, width: 6 }, full, id, 1, 0, i);
    assert.equal(out.length, img.length);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { colourComposite, gallery, galleryLayout } from '../../src/plot/index.js';

// Reference: astropy's make_lupton_rgb (scripts/fixtures/eval_lupton.py).
const fixture = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../fixtures/eval/lupton.json'), 'utf8'),
) as {
  cases: {
    name: string;
    shape: number[];
    data: number[];
    minimum: number;
    stretch: number;
    Q: number;
    rgb: number[];
  }[];
};

for (const c of fixture.cases) {
  test(`colour composite equals astropy make_lupton_rgb: ${c.name}`, () => {
    const img = colourComposite(Float32Array.from(c.data), c.shape, {
      minimum: c.minimum,
      stretch: c.stretch,
      Q: c.Q,
      flipY: false,
    });
    assert.equal(img.width, c.shape[2]);
    assert.equal(img.height, c.shape[1]);
    assert.deepEqual(Array.from(img.rgb), c.rgb);
  });
}

test('composite: known pixels, grey for one band, colour kept when saturated, rows as stored unless flipped', () => {
  // 3 bands [g, r, i] of 1x2 pixels: pixel 0 red-ish and very bright, pixel 1 zero.
  const data = Float32Array.from([1, 0, 2, 0, 100, 0]);
  const img = colourComposite(data, [3, 1, 2], { stretch: 1, Q: 8, flipY: false });
  // i = 100 -> red, r = 2 -> green, g = 1 -> blue; saturated: red pinned to 255, ratios kept.
  assert.deepEqual(Array.from(img.rgb), [255, 5, 2, 0, 0, 0]);
  const one = Float32Array.from([0.5, 0, 0, 0]);
  const grey = Array.from(colourComposite(one, [1, 2, 2], { stretch: 1 }).rgb);
  // by default row 0 is the top row (lensfind's convention, src/sim/raster.ts)
  assert.deepEqual(grey.slice(3, 12), [0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(grey[0], grey[1]);
  assert.equal(grey[1], grey[2]);
  assert.equal(grey[0], Math.trunc((Math.asinh(8 * 0.5) * 25.5) / Math.asinh(0.8))); // 72
  // flipY: bottom-first arrays (FITS): the first data row is the last displayed row
  const flipped = Array.from(colourComposite(one, [1, 2, 2], { stretch: 1, flipY: true }).rgb);
  assert.deepEqual(flipped.slice(0, 6), [0, 0, 0, 0, 0, 0]);
  assert.equal(flipped[6], grey[0]);
});

test('gallery PNG has the laid-out size and the tiles where expected', async () => {
  const red = {
    rgb: new Uint8Array(4 * 4 * 3).fill(0).map((_, i) => (i % 3 === 0 ? 255 : 0)),
    width: 4,
    height: 4,
  };
  const items = Array.from({ length: 5 }, (_, k) => ({ image: red, caption: `id ${k} <score> 0.9${k}` }));
  const opts = { cols: 3, tile: 32, title: 'Top candidates' };
  const png = await gallery(items, opts);
  assert.equal((await sharp(png).metadata()).density, 144);
  const layout = galleryLayout(5, opts);
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, layout.width);
  assert.equal(meta.height, layout.height);
  assert.equal(layout.rows, 2);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) =>
    Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
  const o = layout.origin(4);
  assert.deepEqual(at(o.left + 16, o.top + 16), [255, 0, 0]);
  const empty = layout.origin(5); // the sixth cell has no tile: background
  assert.deepEqual(at(empty.left + 16, empty.top + 16), [255, 255, 255]);
});

test("stretch 'auto' is a tenth of the 99.5th percentile of the intensity", () => {
  // One band 0, 1, ..., 199: p99.5 of I = 198.005 (numpy's linear interpolation).
  const data = Float32Array.from({ length: 200 }, (_, i) => i);
  const auto = colourComposite(data, [1, 10, 20]);
  const explicit = colourComposite(data, [1, 10, 20], { stretch: 19.8005 });
  assert.deepEqual(auto.rgb, explicit.rgb);
  assert.notDeepEqual(auto.rgb, colourComposite(data, [1, 10, 20], { stretch: 20 }).rgb);
  assert.throws(() => colourComposite(data, [3, 10, 20]), /does not fit 200 values/);
});

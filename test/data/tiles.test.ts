// Stamps cut from survey tiles through their WCS, against astropy's Cutout2D on the same tiles
// (scripts/fixtures/wcs_tiles.py): positions, the padded edge, and lensfind's row order (row 0 at the top).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTiles, placeStamp, readStamp, tileItems } from '../../src/data/tiles.js';
import { readSource } from '../../src/data/source.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/wcs');
interface Obj {
  ra: number;
  dec: number;
  pixel: [number, number];
  stamp: (number | null)[][][] | null;
}
const ref = JSON.parse(readFileSync(path.join(DIR, 'reference.json'), 'utf8')) as {
  width: number;
  height: number;
  stamp: [number, number];
  kinds: Record<string, { objects: Obj[] }>;
};
const [H, W] = ref.stamp;

for (const kind of ['tan', 'sip']) {
  test(`tiles ${kind}: stamps equal astropy's Cutout2D, flipped to row 0 at the top, padded with 0`, () => {
    const tiles = openTiles(path.join(DIR, `${kind}_{band}.fits`), ['g', 'r']);
    assert.equal(tiles.length, 1);
    let edges = 0;
    for (const o of ref.kinds[kind].objects) {
      const placed = placeStamp(tiles, o.ra, o.dec, H, W);
      if (o.stamp === null) {
        assert.equal(placed, null, `object at pixel ${o.pixel} overlaps no tile`);
        continue;
      }
      assert.ok(placed, `object at pixel ${o.pixel} not placed`);
      assert.ok(Math.abs(placed.x - o.pixel[0]) < 1e-6 && Math.abs(placed.y - o.pixel[1]) < 1e-6);
      const got = readStamp(placed.region);
      const want = o.stamp.flatMap((band) =>
        [...band]
          .reverse()
          .flat()
          .map((v) => v ?? 0),
      );
      assert.deepEqual(Array.from(got), want, `stamp at pixel ${o.pixel}`);
      const padded = o.stamp.flat(2).some((v) => v === null);
      assert.equal(placed.edge, padded);
      edges += padded ? 1 : 0;
    }
    assert.ok(edges >= 3, 'the fixtures hold objects at the edges');
  });
}

test('tiles: a catalogue becomes items whose columns carry through; bad rows are named', async () => {
  // Two tiles by one pattern (tan_*, sip_* by the '*'): each object goes to the tile holding it.
  const tiles = openTiles(path.join(DIR, '*_{band}.fits'), ['g', 'r']);
  assert.deepEqual(tiles.map((t) => t.name).sort(), ['sip', 'tan']);
  const objects = [...ref.kinds.tan.objects, ...ref.kinds.sip.objects].map((o, i) => ({
    object_id: `obj${i}`,
    RA: o.ra,
    Dec: o.dec,
    mag_r: 20 + i / 10,
  }));
  const { items, outside } = tileItems(tiles, objects, { height: H, width: W, source: 'cat.csv' });
  const expected = [...ref.kinds.tan.objects, ...ref.kinds.sip.objects];
  assert.equal(items.length + outside.length, objects.length);
  assert.equal(outside.length, expected.filter((o) => o.stamp === null).length);
  const first = items[0];
  assert.equal(first.id, 'obj0');
  assert.deepEqual(first.meta, { RA: objects[0].RA, Dec: objects[0].Dec, mag_r: 20, tile: 'tan', edge: 0 });
  const img = await readSource(first.source);
  assert.deepEqual(img.shape, [2, H, W]);
  assert.deepEqual(
    Array.from(img.data),
    expected[0].stamp!.flatMap((b) =>
      [...b]
        .reverse()
        .flat()
        .map((v) => v ?? 0),
    ),
  );
  assert.throws(
    () => tileItems(tiles, [{ ra: 'x', dec: 3 }], { height: H, width: W, source: 'cat.csv' }),
    /cat\.csv: row 1: expected numeric ra and dec/,
  );
  assert.throws(() => openTiles(path.join(DIR, 'tan_g.fits'), ['g']), /expected \{band\}/);
  assert.throws(() => openTiles(path.join(DIR, 'tan_{band}.fits'), ['g', 'z']), /tan_z\.fits/);
});

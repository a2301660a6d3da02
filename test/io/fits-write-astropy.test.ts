import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeCutoutFits } from '../../src/sim/dataset/fits-encode.js';
import { readFitsImage, readFitsSlice } from '../../src/io/fits-image.js';
import { readFits } from '../../src/io/fits.js';
import { decodeBinTable, scalarCell } from '../../src/io/fits-table.js';
import { BANDS, H, W, columns, description, rows, shard } from '../../scripts/fixtures/fits_written_input.js';

// Files written by lensfind (scripts/fixtures/fits_written.ts) and what astropy reads from them
// (scripts/fixtures/fits_written_astropy.py: fits.getdata, WCS(header).pixel_to_world, Table.read).
const dir = path.join(import.meta.dirname, '../fixtures/fits/written');
interface BandView {
  shape: number[];
  data: number[];
  FILTER: string;
  BUNIT: string;
  MAGZERO: number;
  unit: string;
  pixel_scale_arcsec: number[];
  pixels: [number, number][];
  offsets: [number, number][];
  centre_deg: [number, number];
}
interface View {
  hdus: string[];
  primary: Record<string, unknown>;
  bands: Record<string, BandView>;
  table: { columns: string[]; dtypes: string[]; rows: unknown[][] };
}
const seen = JSON.parse(readFileSync(path.join(dir, 'astropy_view.json'), 'utf8')) as Record<string, View>;
const per = H * W;
const cutout = shard.subarray(0, BANDS.length * per);

test('the committed files are what the writer writes today (so astropy_view.json describes it)', () => {
  assert.deepEqual(
    Buffer.from(encodeCutoutFits(shard, [2, 3, H, W], description, rows, columns)),
    readFileSync(path.join(dir, 'shard.fits')),
  );
  assert.deepEqual(
    Buffer.from(encodeCutoutFits(cutout, [3, H, W], description, rows.slice(0, 1), columns)),
    readFileSync(path.join(dir, 'cutout.fits')),
  );
});

test('astropy sees one HDU per band, bottom row first, with FILTER, BUNIT and MAGZERO', () => {
  const v = seen['shard.fits'];
  assert.deepEqual(v.hdus, ['PRIMARY', 'g', 'r', 'i', 'MANIFEST']);
  assert.deepEqual(v.primary, { ORIGIN: 'lensfind simulate', SURVEY: 'lsst', NBANDS: 3, NCUTOUT: 2 });
  BANDS.forEach((band, b) => {
    const bv = v.bands[band];
    assert.deepEqual(bv.shape, [2, H, W]);
    assert.equal(bv.FILTER, band);
    assert.equal(bv.BUNIT, 'electron/s');
    assert.equal(bv.unit, 'electron / s');
    assert.equal(bv.MAGZERO, description.zero_points![band]);
    for (let n = 0; n < 2; n++)
      for (let j = 0; j < H; j++) {
        // astropy's row j (from the bottom) is lensfind's row H - 1 - j (from the top).
        const lensfind = shard.subarray((n * 3 + b) * per + (H - 1 - j) * W, (n * 3 + b) * per + (H - j) * W);
        assert.deepEqual(
          bv.data.slice(n * per + j * W, n * per + (j + 1) * W),
          Array.from(lensfind),
          `${band} ${n} ${j}`,
        );
      }
  });
  assert.deepEqual(seen['cutout.fits'].bands.g.shape, [H, W]);
});

test("astropy's WCS: the pixel scale, the centre at CRVAL, North up and East left as lensfind's x and y", () => {
  for (const name of ['shard.fits', 'cutout.fits']) {
    for (const band of BANDS) {
      const bv = seen[name].bands[band];
      for (const s of bv.pixel_scale_arcsec) assert.ok(Math.abs(s - 0.2) < 1e-9, `${s}`);
      assert.deepEqual(bv.centre_deg, [0, 0]);
      bv.pixels.forEach(([px, py], k) => {
        // lensfind's arcsec coordinates of FITS pixel (px, py): x = (c - (W-1)/2) s, y = ((H-1)/2 - r) s, r = H-1-py.
        const x = (px - (W - 1) / 2) * 0.2;
        const y = (H - 1 - (H - 1 - py) - (H - 1) / 2) * 0.2;
        const [east, north] = bv.offsets[k];
        assert.ok(
          Math.abs(east - -x) < 1e-6 && Math.abs(north - y) < 1e-6,
          `${name} ${band} pixel ${px},${py}`,
        );
      });
    }
  }
});

test('astropy Table.read gives the manifest rows with their types; lensfind reads the table back', () => {
  const t = seen['shard.fits'].table;
  assert.deepEqual(t.columns, columns);
  assert.deepEqual(t.dtypes, ['|S6', '|S5', '>i8', '|S25', '>i8', '>f8', 'bool']);
  assert.deepEqual(
    t.rows,
    rows.map((r) => columns.map((c) => r[c as keyof typeof r])),
  );
  const hdu = readFits(path.join(dir, 'shard.fits'))[4];
  const table = decodeBinTable(hdu.header, hdu.raw!, 'shard.fits');
  assert.deepEqual(
    [0, 1].map((i) => table.columns.map((c) => scalarCell(table, i, c))),
    t.rows,
  );
});

test('lensfind reads its FITS back in its own orientation, bands stacked, whole or one item', () => {
  const all = readFitsImage(path.join(dir, 'shard.fits'));
  assert.deepEqual(all.shape, [2, 3, H, W]);
  assert.deepEqual(all.bands, BANDS);
  assert.deepEqual(all.data, shard);
  const one = readFitsSlice(path.join(dir, 'shard.fits'), 1);
  assert.deepEqual(one.shape, [3, H, W]);
  assert.deepEqual(one.data, shard.subarray(3 * per));
  const c = readFitsImage(path.join(dir, 'cutout.fits'));
  assert.deepEqual(c.shape, [3, H, W]);
  assert.deepEqual(c.data, cutout);
});

test('an astropy-written image reads the right way up: its last (top) row first', () => {
  const expected = JSON.parse(
    readFileSync(path.join(import.meta.dirname, '../fixtures/fits/expected.json'), 'utf8'),
  );
  const astropyRows = expected['image.fits'][0].data as number[]; // [5, 4], FITS order
  const img = readFitsImage(path.join(import.meta.dirname, '../fixtures/fits/image.fits'));
  assert.deepEqual(Array.from(img.data.subarray(0, 4)), astropyRows.slice(16, 20));
  assert.deepEqual(Array.from(img.data.subarray(16, 20)), astropyRows.slice(0, 4));
});

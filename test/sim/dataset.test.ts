import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ConfigError } from '../../src/errors.js';
import { readCsv } from '../../src/io/csv.js';
import { readNpy } from '../../src/io/npy.js';
import { readFitsImage } from '../../src/io/fits-image.js';
import { readFits } from '../../src/io/fits.js';
import YAML from 'yaml';
import {
  createItemRenderer,
  loadSimulateConfig,
  planItems,
  simulateDataset,
} from '../../src/sim/dataset/index.js';
import type { SimulateConfig } from '../../src/sim/config.js';

const tmp = (name: string) => path.join(mkdtempSync(path.join(tmpdir(), 'lensfind-simds-')), name);

function simple(extra: Record<string, unknown> = {}): SimulateConfig {
  return loadSimulateConfig({
    flags: {
      backend: 'simple',
      image_size: 16,
      n: 23,
      splits: { train: 0.6, val: 0.2, test: 0.2 },
      balance: 0.4,
      seed: 5,
      workers: 0,
      output: { shard_size: 5, previews: 2 },
      ...extra,
    },
  });
}

/** Every file under `dir` (relative path -> bytes). */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const full = path.join(d, f);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(path.relative(dir, full), readFileSync(full));
    }
  };
  walk(dir);
  return out;
}

function assertSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [k, v] of a) assert.ok(v.equals(b.get(k)!), `${k} differs`);
}

test('the plan: exact split sizes and prevalence per split, independent of the shard size', () => {
  const cfg = simple();
  const items = planItems(cfg);
  assert.equal(items.length, 23);
  const count = (split: string, label?: number) =>
    items.filter((it) => it.split === split && (label === undefined || it.label === label)).length;
  // 23 * 0.6 = 13.8, 4.6, 4.6 -> largest remainder 14, 5, 4 (ties keep the order train, val, test)
  assert.deepEqual([count('train'), count('val'), count('test')], [14, 5, 4]);
  assert.deepEqual([count('train', 1), count('val', 1), count('test', 1)], [6, 2, 2]); // round(0.4 * size)
  assert.deepEqual(
    items.map((it) => it.index),
    [...items.keys()],
  );
  assert.deepEqual(planItems(simple({ output: { shard_size: 7 } })), items);
  assert.notDeepEqual(
    planItems(simple({ seed: 6 })).map((it) => it.label),
    items.map((it) => it.label),
  );
});

test('lensfind layout: shards, manifest columns and rows, config.yaml, previews; the bytes equal the renderer', async () => {
  const cfg = simple();
  const out = tmp('ds');
  const summary = await simulateDataset(cfg, { out, quiet: true });
  assert.equal(summary.shards, 5);
  assert.equal(summary.rendered, 5);
  const rows = readCsv(path.join(out, 'manifest.csv'));
  assert.equal(rows.length, 23);
  const header = readFileSync(path.join(out, 'manifest.csv'), 'utf8').split('\n')[0].split(',');
  assert.deepEqual(header.slice(0, 6), ['id', 'split', 'label', 'path', 'seed', 'index']);
  for (const col of ['arc_radius_px', 'n_arcs', 'galaxy_q']) assert.ok(header.includes(col), col);
  const items = planItems(cfg);
  rows.forEach((r, i) => {
    assert.equal(r.id, items[i].id);
    assert.equal(r.split, items[i].split);
    assert.equal(Number(r.label), items[i].label);
    assert.equal(r.path, `images/shard-${String(Math.floor(i / 5)).padStart(5, '0')}.npy#${i % 5}`);
  });
  const last = readNpy(path.join(out, 'images/shard-00004.npy'));
  assert.deepEqual(last.shape, [3, 3, 16, 16]);
  assert.equal(last.dtype, 'float32');
  const renderer = await createItemRenderer(cfg);
  const expected = renderer.render(items[21]).image;
  assert.deepEqual(last.data.subarray(256 * 3, 256 * 6), expected);
  const { dataset, ...saved } = loadSimulateConfig({
    file: path.join(out, 'config.yaml'),
    flags: { workers: 0 },
  });
  assert.deepEqual(saved, cfg);
  // The simple backend: counts in pixel units, no survey.
  assert.deepEqual(dataset, {
    survey: null,
    pixel_scale: null,
    bands: ['g', 'r', 'i'],
    zero_points: null,
    units: 'count',
    row_order: 'top_first',
  });
  const png = await sharp(path.join(out, 'previews/000001.png')).metadata();
  assert.deepEqual([png.width, png.height, png.channels], [64, 64, 3]);
  assert.ok(!existsSync(path.join(out, 'previews/000002.png')));
});

test('the same bytes on the main thread and with 2 and 3 worker threads', async () => {
  const cfg = simple({ n: 30, output: { shard_size: 4, previews: 1 } });
  const dirs = [0, 2, 3].map((w) => tmp(`w${w}`));
  for (const [i, out] of dirs.entries())
    await simulateDataset({ ...cfg, workers: [0, 2, 3][i] }, { out, quiet: true });
  const [a, b, c] = dirs.map(snapshot);
  assert.equal([...a.keys()].filter((k) => k.endsWith('.npy')).length, 8);
  assertSameFiles(a, b);
  assertSameFiles(a, c);
});

test('the physical backend gives the same bytes with 0 and 2 workers', async () => {
  const cfg = loadSimulateConfig({
    flags: { image_size: 16, n: 6, seed: 3, workers: 0, output: { shard_size: 2, previews: 0 } },
    overrides: ['scene.supersampling.factor=1', 'scene.supersampling.central_factor=1'],
  });
  const a = tmp('p0');
  const b = tmp('p2');
  await simulateDataset(cfg, { out: a, quiet: true });
  await simulateDataset({ ...cfg, workers: 2 }, { out: b, quiet: true });
  assertSameFiles(snapshot(a), snapshot(b));
  const rows = readCsv(path.join(a, 'manifest.csv'));
  assert.ok(
    rows.every((r) => r.negative_kind !== undefined && r.theta_E !== undefined && r.arc_snr !== undefined),
  );
  assert.equal(rows.filter((r) => r.label === '1').length, rows.filter((r) => Number(r.theta_E) > 0).length);
});

test('a dataset describes itself: config.yaml dataset section, lens orientation and the shard row in the manifest', async () => {
  const cfg = loadSimulateConfig({
    flags: {
      image_size: 16,
      n: 6,
      seed: 3,
      workers: 0,
      output: { shard_size: 4, previews: 0, format: 'fits' },
    },
    overrides: ['scene.supersampling.factor=1', 'scene.supersampling.central_factor=1'],
  });
  const out = tmp('describe');
  await simulateDataset(cfg, { out, quiet: true });
  const lsst = YAML.parse(
    readFileSync(path.join(import.meta.dirname, '../../configs/surveys/lsst.yaml'), 'utf8'),
  );
  const saved = YAML.parse(readFileSync(path.join(out, 'config.yaml'), 'utf8'));
  const bands: string[] = lsst.default_bands.slice(0, 3);
  assert.deepEqual(saved.dataset, {
    survey: 'lsst',
    pixel_scale: lsst.pixel_scale,
    bands,
    zero_points: Object.fromEntries(bands.map((b) => [b, lsst.bands[b].zero_point])),
    units: 'electron/s',
    row_order: 'top_first',
  });
  // The saved config loads back (dataset is recomputed, not compared) and resuming is allowed.
  assert.equal((await simulateDataset(cfg, { out, quiet: true })).rendered, 0);
  const rows = readCsv(path.join(out, 'manifest.csv'));
  for (const r of rows) {
    const [, at] = r.path.split('#');
    assert.equal(r.row, at);
    const [e1, e2, g, g1, g2, angle] = ['e1', 'e2', 'gamma', 'gamma1', 'gamma2', 'shear_angle_deg'].map((k) =>
      Number(r[k]),
    );
    if (r.label === '1') {
      // lenstronomy's convention: e = (1 - q) / (1 + q) for the SIE's q; gamma1 + i gamma2 = gamma e^{2 i phi}.
      const q = Number(r.q);
      assert.ok(Math.abs(Math.hypot(e1, e2) - (1 - q) / (1 + q)) < 1e-9, `${r.id} e1, e2 vs q`);
      assert.ok(Math.abs(g1 - g * Math.cos((2 * angle * Math.PI) / 180)) < 1e-9, `${r.id} gamma1`);
      assert.ok(Math.abs(g2 - g * Math.sin((2 * angle * Math.PI) / 180)) < 1e-9, `${r.id} gamma2`);
      assert.ok(angle >= 0 && angle < 180);
    } else {
      // NaN (does not apply) is an empty cell.
      assert.deepEqual([r.e1, r.e2, r.shear_angle_deg, g1, g2], ['', '', '', 0, 0], r.id);
    }
  }
  assert.ok(rows.some((r) => r.label === '1') && rows.some((r) => r.label === '0'));
  // Every FITS band carries the survey's zero point and pixel scale; the MANIFEST table its rows.
  const hdus = readFits(path.join(out, 'images/shard-00000.fits'));
  assert.deepEqual(
    hdus.map((h) => h.header.EXTNAME ?? h.kind),
    ['PRIMARY', ...bands, 'MANIFEST'],
  );
  bands.forEach((b, k) => {
    assert.equal(hdus[k + 1].header.MAGZERO, lsst.bands[b].zero_point);
    assert.equal(hdus[k + 1].header.PIXSCALE, lsst.pixel_scale);
    // At most 20 characters (15-16 significant digits), as astropy writes a float card.
    assert.ok(Math.abs(Number(hdus[k + 1].header.CDELT2) / (lsst.pixel_scale / 3600) - 1) < 1e-14);
  });
  assert.equal(hdus[4].header.NAXIS2, 4);
});

test('resume: a deleted shard is rendered again with the same bytes; complete shards are not touched', async () => {
  const cfg = simple({ workers: 2 });
  const out = tmp('resume');
  await simulateDataset(cfg, { out, quiet: true });
  const before = snapshot(out);
  const mtimes = new Map([...before.keys()].map((k) => [k, statSync(path.join(out, k)).mtimeMs]));
  rmSync(path.join(out, 'images/shard-00002.npy'));
  rmSync(path.join(out, 'manifest.csv'));
  // What a run killed mid-write leaves: a temporary file that never reached its rename.
  writeFileSync(path.join(out, 'images/.shard-00002.npy.999.1.tmp'), 'partial');
  const summary = await simulateDataset(cfg, { out, quiet: true });
  assert.equal(summary.rendered, 1);
  assert.equal(summary.skipped, 4);
  assertSameFiles(before, snapshot(out));
  for (const shard of ['00000', '00001', '00003', '00004']) {
    const f = `images/shard-${shard}.npy`;
    assert.equal(statSync(path.join(out, f)).mtimeMs, mtimes.get(f), `${f} was rewritten`);
  }
});

test('re-running into a folder simulated with another config is refused, naming the field', async () => {
  const out = tmp('mixed');
  await simulateDataset(simple(), { out, quiet: true });
  await assert.rejects(
    simulateDataset(simple({ seed: 9 }), { out, quiet: true }),
    (e: unknown) => e instanceof ConfigError && e.field === 'seed',
  );
  // Workers and previews change no byte: allowed.
  await simulateDataset(simple({ workers: 1, output: { shard_size: 5, previews: 0 } }), { out, quiet: true });
});

test('deeplense layout: <split>_lenses/ and <split>_nonlenses/ of [bands, H, W] .npy', async () => {
  const cfg = simple({
    n: 20,
    splits: { train: 12, val: 0, test: 8 },
    balance: 0.5,
    output: { layout: 'deeplense', shard_size: 6, previews: 0 },
  });
  const out = tmp('dl');
  await simulateDataset(cfg, { out, quiet: true });
  const files = (d: string) => readdirSync(path.join(out, d)).sort();
  assert.equal(files('train_lenses').length, 6);
  assert.equal(files('train_nonlenses').length, 6);
  assert.equal(files('test_lenses').length, 4);
  assert.equal(files('test_nonlenses').length, 4);
  assert.ok(!existsSync(path.join(out, 'images')));
  const one = readNpy(path.join(out, 'train_lenses', files('train_lenses')[0]));
  assert.deepEqual(one.shape, [3, 16, 16]);
  const rows = readCsv(path.join(out, 'manifest.csv'));
  for (const r of rows)
    assert.equal(r.path, `${r.split}_${r.label === '1' ? 'lenses' : 'nonlenses'}/${r.id}.npy`);
});

test('fits format: shards are FITS cubes [N, bands, H, W] with the same values as npy', async () => {
  const npyOut = tmp('npy');
  const fitsOut = tmp('fits');
  await simulateDataset(simple(), { out: npyOut, quiet: true });
  await simulateDataset(simple({ output: { shard_size: 5, previews: 1, format: 'fits' } }), {
    out: fitsOut,
    quiet: true,
  });
  const fits = readFitsImage(path.join(fitsOut, 'images/shard-00001.fits'));
  const npy = readNpy(path.join(npyOut, 'images/shard-00001.npy'));
  assert.deepEqual(fits.shape, [5, 3, 16, 16]);
  assert.deepEqual(fits.data, npy.data);
  assert.ok(existsSync(path.join(fitsOut, 'previews/000000.png')));
});

test('--dry-run writes nothing and lists what it would write', async () => {
  const out = tmp('dry');
  const summary = await simulateDataset(simple(), { out, dryRun: true, quiet: true });
  assert.ok(!existsSync(out));
  assert.equal(summary.images, 23);
  assert.ok(summary.files.includes('images/shard-00004.npy'));
  assert.ok(summary.files.includes('manifest.csv'));
});

test("a seeds' format file renders with the simple backend", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-seedsds-'));
  const file = path.join(dir, 'seeds.yaml');
  writeFileSync(
    file,
    'General: { n_train: 8, n_test: 4, image_size: 24, seed: 1, balance: 0.25 }\nNoise: { gaussian_std: 0.02, poisson_lambda: 2, psf_sigma: 0.8 }\n',
  );
  const cfg = loadSimulateConfig({ file, flags: { workers: 0 } });
  const out = path.join(dir, 'out');
  await simulateDataset(cfg, { out, quiet: true });
  const rows = readCsv(path.join(out, 'manifest.csv'));
  assert.equal(rows.filter((r) => r.split === 'train').length, 8);
  assert.equal(rows.filter((r) => r.split === 'test').length, 4);
  assert.equal(rows.filter((r) => r.label === '1').length, 3); // round(0.25 * 8) + round(0.25 * 4)
  assert.deepEqual(readNpy(path.join(out, 'images/shard-00000.npy')).shape, [12, 3, 24, 24]);
});

test('previews show row 0 at the top, as every lensfind cutout is stored (src/sim/raster.ts)', async () => {
  const { writePreview } = await import('../../src/sim/dataset/preview.js');
  const size = 8;
  // three bands, light only in the top two rows
  const image = new Float32Array(3 * size * size);
  for (let b = 0; b < 3; b++) image.fill(100, b * size * size, b * size * size + 2 * size);
  const file = tmp('preview.png');
  await writePreview(file, image, 3, size);
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const pixel = (row: number) => data[row * info.width * info.channels];
  assert.ok(pixel(0) > 100, `top row ${pixel(0)}`);
  assert.equal(pixel(info.height - 1), 0);
  assert.equal((await sharp(file).metadata()).density, 144); // a page-sized print, not a viewer's guess
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { data, sim } from '../../src/index.js';
import { injectDataset } from '../../src/inject/dataset.js';
import { readCsv, writeCsv } from '../../src/io/csv.js';
import { readNpy } from '../../src/io/npy.js';
import { ConfigError } from '../../src/errors.js';
import { BANDS, DEFLECTOR_ONLY, injectConfig, writeStack } from './helpers.js';

const SIZE = 32;
const root = mkdtempSync(path.join(tmpdir(), 'lensfind-inject-'));

/** The user's cutouts: 10 deflector-only cutouts with their field, one file each, in DeepLense's split folders. */
async function userCutouts(): Promise<string> {
  const dir = path.join(root, 'cutouts');
  const cfg = sim.simulateConfigSchema.parse({
    survey: 'lsst',
    bands: BANDS,
    image_size: SIZE,
    n: 10,
    balance: 0,
    seed: 21,
    workers: 0,
    scene: { negatives: DEFLECTOR_ONLY.negatives },
    output: { layout: 'deeplense', previews: 0 },
  });
  await sim.dataset.simulateDataset(cfg, { out: dir, quiet: true });
  return dir;
}

/** Hard negatives: three spirals and rings as an .npy stack with a labels table (no split). */
function contaminants(): string {
  const scene = sim.parseScene({
    negatives: { ...DEFLECTOR_ONLY.negatives, deflector_only: 0, spiral: 1, ring: 1 },
  });
  const survey = sim.loadSurvey('lsst');
  const images = [0, 1, 2].map(
    (index) => sim.renderCutout(scene, survey, { seed: 4, index, label: 0, size: SIZE, bands: BANDS }).image,
  );
  const dir = path.join(root, 'hard');
  writeStack(dir, images, SIZE);
  return path.join(dir, 'cutouts.npy');
}

const cutoutsDir = await userCutouts();
const hard = contaminants();
// the simulator writes a manifest beside the DeepLense folders: the input is read as a lensfind dataset of files
const inputs = readCsv(path.join(cutoutsDir, 'manifest.csv'));
// a corrupt input: a truncated .npy
const corrupt = path.join(cutoutsDir, inputs[2].path);
writeFileSync(corrupt, readFileSync(corrupt).subarray(0, 200));
// θ_E for two cutouts, one named by id, one by file name
const catalog = path.join(root, 'deflectors.csv');
writeCsv(catalog, [
  { id: inputs[0].id, file: '', theta_E: 1.25 },
  { id: '', file: path.basename(inputs[1].path), theta_E: 0.9 },
  { id: 'someone-else', file: '', theta_E: 2 },
]);
const fromCatalog: Record<string, number> = { [inputs[0].id]: 1.25, [inputs[1].id]: 0.9 };

function config(over: Record<string, unknown> = {}) {
  return injectConfig({
    cutouts: cutoutsDir,
    contaminants: hard,
    catalog,
    fraction: 0.5,
    seed: 2,
    splits: { train: 0.4, val: 0.3, test: 0.3 },
    scene: { ...DEFLECTOR_ONLY, field: { enabled: true } },
    output: { shard_size: 4, previews: 2 },
    ...over,
  });
}

const out = path.join(root, 'out');
const skippedSeen: string[] = [];
// on two worker threads; the determinism test below writes the same on the main thread
const summary = await injectDataset(config({ workers: 2 }), {
  out,
  quiet: true,
  onSkip: (s) => skippedSeen.push(s.source),
});
const rows = readCsv(path.join(out, 'manifest.csv'));

test('the dataset: injected cutouts are lenses, the rest and the contaminants non-lenses; splits kept or assigned', () => {
  assert.equal(rows.length, 9 + 3);
  const injected = rows.filter((r) => r.injected === '1');
  assert.equal(summary.injected, injected.length);
  // half of every split's usable cutouts (train 7 -> 4, val 1 -> 0 or 1, test 1 -> 0 or 1: round(0.5 n))
  assert.ok(injected.length >= 4 && injected.length <= 6, `${injected.length} injected`);
  for (const r of injected) {
    assert.equal(r.label, '1');
    assert.equal(r.negative_kind, 'none');
    assert.ok(Number(r.theta_E) > 0 && Number(r.magnification) > 0 && Number(r.arc_snr) > 0);
  }
  for (const r of rows.filter((x) => x.injected === '0')) {
    assert.equal(r.label, '0');
    assert.equal(r.theta_E, '0');
  }
  const hardRows = rows.filter((r) => r.negative_kind === 'contaminant');
  assert.equal(hardRows.length, 3);
  for (const r of hardRows) {
    assert.equal(r.label, '0');
    assert.ok(r.source_path.startsWith(hard), r.source_path);
  }
  // the input's own split is kept; the stack had none: assigned by the fractions (3 x 0.4/0.3/0.3: one each)
  const inputSplit = new Map(inputs.map((r) => [r.id, r.split]));
  for (const r of rows.filter((x) => x.negative_kind !== 'contaminant'))
    assert.equal(r.split, inputSplit.get(r.source_id), r.source_id);
  assert.ok(rows.some((r) => r.split === 'val') && rows.some((r) => r.split === 'test'));
  assert.deepEqual(hardRows.map((r) => r.split).sort(), ['test', 'train', 'val']);
  // the catalogue's θ_E where it names an injected cutout
  for (const r of injected) {
    const want = fromCatalog[r.source_id];
    if (want !== undefined) {
      assert.equal(Number(r.theta_E), want);
      assert.equal(r.theta_E_from, 'catalog');
    } else assert.notEqual(r.theta_E_from, 'catalog');
  }
  assert.equal(summary.fromCatalog, 2);
  assert.equal(injected.filter((r) => r.theta_E_from === 'catalog').length, 2);
});

test('a corrupt input file is listed in skipped.csv and left out; the others are untouched unless injected', async () => {
  assert.deepEqual(skippedSeen, [corrupt]);
  assert.deepEqual(
    summary.skipped.map((s) => s.source),
    [corrupt],
  );
  const skipped = readCsv(path.join(out, 'skipped.csv'));
  assert.equal(skipped.length, 1);
  assert.equal(skipped[0].source, corrupt);
  assert.match(skipped[0].reason, /truncated|\.npy/);
  assert.ok(!rows.some((r) => r.source_path === corrupt));
  const ds = await data.openDataset(out);
  assert.equal(ds.items.length, 12);
  assert.deepEqual([ds.bands, ds.height, ds.width], [3, SIZE, SIZE]);
  for (let i = 0; i < ds.items.length; i++) {
    const it = ds.items[i];
    const written = await ds.load(i);
    const src = String(it.meta.source_path);
    const [file, at] = src.split('#');
    const raw = readNpy(file);
    const per = 3 * SIZE * SIZE;
    const input =
      at === undefined
        ? (raw.data as Float32Array)
        : (raw.data as Float32Array).subarray(Number(at) * per, (Number(at) + 1) * per);
    if (it.meta.injected === 1) {
      let added = 0;
      for (let p = 0; p < per; p++) added += written[p] - input[p];
      assert.ok(added > 0, `${it.id}: the arc adds light (${added})`);
    } else assert.deepEqual(Array.from(written), Array.from(input), `${it.id} unchanged`);
  }
  assert.equal(readdirSync(path.join(out, 'previews')).length, 2);
  assert.ok(existsSync(path.join(out, 'config.yaml')));
});

test('same seed, same bytes for any number of workers; a re-run finishes what is missing; another config or folder is refused; n asks for an exact count', async () => {
  const again = path.join(root, 'again');
  const sameBytes = (dir: string) => {
    assert.equal(
      readFileSync(path.join(dir, 'manifest.csv'), 'utf8'),
      readFileSync(path.join(out, 'manifest.csv'), 'utf8'),
    );
    for (const f of readdirSync(path.join(out, 'images')))
      assert.ok(
        readFileSync(path.join(out, 'images', f)).equals(readFileSync(path.join(dir, 'images', f))),
        f,
      );
  };
  const first = await injectDataset(config({ workers: 0 }), { out: again, quiet: true });
  for (const f of readdirSync(path.join(out, 'previews')))
    assert.ok(
      readFileSync(path.join(out, 'previews', f)).equals(readFileSync(path.join(again, 'previews', f))),
      f,
    );
  assert.equal(readdirSync(path.join(again, 'previews')).length, 2);
  sameBytes(again);
  assert.equal(first.shardsKept, 0);
  // a killed run: one shard truncated, one never written (its files and sidecar gone); the re-run writes those two
  const images = readdirSync(path.join(again, 'images')).sort();
  assert.ok(images.length >= 3, `${images.length} shards`);
  const damaged = path.join(again, 'images', images[0]);
  writeFileSync(damaged, readFileSync(damaged).subarray(0, 100));
  rmSync(path.join(again, 'images', images[1]));
  rmSync(path.join(again, '.shards', `${images[1].replace(/\.[^.]+$/, '')}.json`));
  rmSync(path.join(again, 'manifest.csv'));
  // with another worker count: it changes no byte, so it may finish the folder
  const resumed = await injectDataset(config({ workers: 3 }), { out: again, quiet: true });
  assert.equal(resumed.shardsWritten, 2);
  assert.equal(resumed.shardsKept, images.length - 2);
  assert.equal(resumed.injected, first.injected);
  assert.equal(resumed.fromCatalog, first.fromCatalog);
  sameBytes(again);
  // another configuration into it is refused, naming the key; so is a folder lensfind did not write
  await assert.rejects(
    injectDataset(config({ seed: 3 }), { out: again, quiet: true }),
    (e: unknown) => e instanceof ConfigError && e.field === 'seed' && /another configuration/.test(e.message),
  );
  const foreign = path.join(root, 'foreign');
  mkdirSync(foreign);
  writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
  await assert.rejects(
    injectDataset(config(), { out: foreign, quiet: true }),
    (e: unknown) => (e as { code?: string }).code === 'E_FOREIGN_FOLDER',
  );
  assert.deepEqual(readdirSync(foreign), ['notes.txt']);
  // the same configuration over other cutouts (one more in the same stack file) is refused too
  const pick = (k: number) => readNpy(path.join(cutoutsDir, inputs[3 + k].path)).data as Float32Array;
  const stackDir = path.join(root, 'growing');
  const stack = writeStack(stackDir, [pick(0), pick(1), pick(2)], SIZE);
  const small = config({ cutouts: stack, contaminants: undefined, catalog: undefined, fraction: 1 });
  const grown = path.join(root, 'grown');
  await injectDataset(small, { out: grown, quiet: true });
  writeStack(stackDir, [pick(0), pick(1), pick(2), pick(3)], SIZE);
  await assert.rejects(
    injectDataset(small, { out: grown, quiet: true }),
    (e: unknown) =>
      e instanceof ConfigError && e.field === 'cutouts' && /other input cutouts/.test(e.message),
  );
  const exact = path.join(root, 'exact');
  const s = await injectDataset(config({ fraction: undefined, n: 3, contaminants: undefined }), {
    out: exact,
    quiet: true,
  });
  assert.equal(s.injected, 3);
  assert.equal(readCsv(path.join(exact, 'manifest.csv')).filter((r) => r.label === '1').length, 3);
  await assert.rejects(
    injectDataset(config({ fraction: undefined, n: 50 }), { out: path.join(root, 'toomany'), quiet: true }),
    (e: unknown) => e instanceof ConfigError && e.field === 'n',
  );
});

test('a cutout with no deflector near its centre is never injected into; fraction 1 takes every other one', async () => {
  const survey = sim.loadSurvey('lsst');
  const blank = new Float32Array(3 * SIZE * SIZE);
  BANDS.forEach((b, i) => {
    const plane = new Float64Array(SIZE * SIZE);
    sim.addNoise(plane, sim.noiseModel(sim.surveyBand(survey, b), 0.2, survey.read_noise), new sim.Rng(i));
    blank.set(Float32Array.from(plane), i * SIZE * SIZE);
  });
  const images = [0, 1].map((i) => readNpy(path.join(cutoutsDir, inputs[3 + i].path)).data as Float32Array);
  const stack = writeStack(path.join(root, 'with-blank'), [images[0], blank, images[1]], SIZE);
  const dir = path.join(root, 'fraction1');
  const s = await injectDataset(
    config({ cutouts: stack, contaminants: undefined, catalog: undefined, fraction: 1 }),
    {
      out: dir,
      quiet: true,
    },
  );
  const got = readCsv(path.join(dir, 'manifest.csv'));
  assert.deepEqual(
    got.map((r) => [r.source_id, r.label, r.deflector_found]),
    [
      ['gal0', '1', '1'],
      ['gal1', '0', '0'],
      ['gal2', '1', '1'],
    ],
  );
  assert.equal(s.noDeflector, 1);
});

// Training on fresh simulations (data.sim): new cutouts every epoch rendered by the loader, a fixed validation set
// simulated once into the run folder, exact resume, and configuration errors that name the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { deepMerge } from '../../src/config/load.js';
import { ConfigError, LensfindError } from '../../src/errors.js';
import { BatchLoader, openDataset, splitIndices } from '../../src/data/index.js';
import { fitNormalization } from '../../src/data/normalize.js';
import { simEpochItems, simSeeds } from '../../src/data/sim-stream.js';
import { loadSimulateConfig } from '../../src/sim/dataset/load-config.js';
import { loadSurvey, renderCutout } from '../../src/sim/render.js';
import { loadTrainConfig } from '../../src/train/config.js';
import { loadRun } from '../../src/infer/load-run.js';
import { validationMetrics } from '../../src/train/metrics.js';
import { scoreIndices } from '../../src/train/score.js';
import { trainConfigSchema, type TrainConfig } from '../../src/train/schema.js';
import { train } from '../../src/train/trainer.js';
import { metricsWithoutTiming } from '../helpers/run-files.js';
import { writeToyDeepLense } from './toy-data.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-simtrain-'));
const simFile = path.join(dir, 'tiny.yaml');
writeFileSync(simFile, 'backend: physical\nsurvey: lsst\nbands: [g, r, i]\nimage_size: 16\nbalance: 0.5\n');
const runs = path.join(dir, 'runs');

/** A tiny run on fresh 16x16 LSST-like simulations: 32 new cutouts per epoch, 24 validation cutouts. */
function simConfig(over: Record<string, unknown> = {}): TrainConfig {
  const base = {
    seed: 1,
    epochs: 3,
    batch_size: 8,
    eval_batch_size: 64,
    threads: 1,
    data: {
      sim: { config: simFile, n_per_epoch: 32, val_n: 24 },
      workers: 0,
      normalization: { kind: 'asinh-robust', scope: 'dataset', fit_images: 16 },
      augmentation: { flip: true, rot90: true },
    },
    model: { name: 'lensnet', channels: [8, 16], dropout: 0.1 },
    optim: { name: 'adamw', lr: 0.01 },
    schedule: { name: 'cosine' },
    run: { dir: runs, name: 'sim', tensorboard: false },
  };
  return trainConfigSchema.parse(deepMerge(base, over));
}

const file = (run: string, f: string) => readFileSync(path.join(run, f));
const json = (run: string, f: string) => JSON.parse(file(run, f).toString()) as Record<string, unknown>;
const valShard = 'val-data/images/shard-00000.npy';

const straight = await train(simConfig({ run: { name: 'straight' } }), { console: false });

test('a run on fresh simulations: summary, sim.yaml, val-data/, and normalisation fitted on the first epoch', async () => {
  const run = straight.runDir;
  assert.equal(straight.epochs, 3);
  assert.deepEqual(
    readdirSync(run)
      .filter((f) => !f.startsWith('.'))
      .sort(),
    [
      'checkpoints',
      'config.yaml',
      'metrics.jsonl',
      'normalization.json',
      'sim.yaml',
      'summary.json',
      'train.log',
      'val-data',
    ],
  );
  const seeds = simSeeds(1);
  const summary = json(run, 'summary.json');
  assert.equal(summary.fresh_simulations, true);
  assert.deepEqual(summary.sim, {
    config: 'sim.yaml',
    n_per_epoch: 32,
    seed: seeds.train,
    validation: 'val-data',
    val_seed: seeds.val,
  });
  assert.equal(summary.train_images, 32);
  assert.equal(summary.val_images, 24);
  // sim.yaml: the resolved simulate config of the training cutouts, readable by lensfind simulate.
  const sim = loadSimulateConfig({ file: path.join(run, 'sim.yaml') });
  assert.equal(sim.seed, seeds.train);
  assert.equal(sim.image_size, 16);
  assert.equal(sim.n, 32);
  // val-data/: an ordinary dataset of 24 validation cutouts with the validation seed, half of them lenses.
  const val = await openDataset(path.join(run, 'val-data'), {});
  assert.equal(val.items.length, 24);
  assert.ok(val.items.every((it) => it.split === 'val' && it.meta.seed === seeds.val));
  assert.equal(val.items.filter((it) => it.label === 1).length, 12);
  assert.equal(YAML.parse(file(run, 'val-data/config.yaml').toString()).seed, seeds.val);
  // Dataset-scope normalisation: fitted on a seeded sample of the first epoch's cutouts, as rendered here.
  const plan = simEpochItems({ config: sim, perEpoch: 32 }, 0);
  const survey = loadSurvey('lsst');
  const expected = await fitNormalization(
    {
      bands: 3,
      load: async (p: number) =>
        renderCutout(sim.scene, survey, { seed: seeds.train, index: p, label: plan[p].label, size: 16 })
          .image,
    },
    plan.map((_, p) => p),
    { kind: 'asinh-robust', scope: 'dataset', fit_images: 16 },
    1,
  );
  assert.deepEqual(json(run, 'normalization.json'), expected);
  assert.ok((expected.scale[2] as number) > 0);
  assert.match(file(run, 'train.log').toString(), /\(\d+% waiting for data\)/);
});

test('the same seed with 1 data worker instead of 0: the same weights byte for byte and the same metrics', async () => {
  const other = await train(simConfig({ data: { workers: 1 }, run: { name: 'one-worker' } }), {
    console: false,
  });
  for (const f of ['checkpoints/last/model.safetensors', 'checkpoints/best/model.safetensors', valShard])
    assert.ok(file(other.runDir, f).equals(file(straight.runDir, f)), f);
  const metrics = metricsWithoutTiming(other.runDir);
  assert.deepEqual(metrics, metricsWithoutTiming(straight.runDir));
  // Fresh cutouts every epoch: the training loss moves from epoch to epoch, and the model learnt something.
  assert.equal(new Set(metrics.map((m) => m.train_loss)).size, 3);
  assert.ok(straight.history.every((m) => Number.isFinite(m.val_auc)));
});

test('stopped in the middle of an epoch and resumed: the weights of the uninterrupted run, on the same validation set', async () => {
  const first = await train(simConfig({ run: { name: 'resumed' } }), {
    console: false,
    handleSignals: true,
    onStep: ({ step }) => {
      if (step === 6) process.emit('SIGINT');
    },
  });
  assert.equal(first.interrupted, true);
  const state = json(first.runDir, 'checkpoints/last/state.json');
  assert.equal(state.step, 6);
  assert.deepEqual((state.partial as { batches: number }).batches, 2);
  const valBefore = statSync(path.join(first.runDir, valShard)).mtimeMs;
  const simBefore = file(first.runDir, 'sim.yaml');

  const resumed = await train(null, { resume: first.runDir, console: false });
  assert.equal(resumed.epochs, 3);
  for (const f of ['checkpoints/last/model.safetensors', 'checkpoints/best/model.safetensors'])
    assert.ok(
      file(resumed.runDir, f).equals(file(straight.runDir, f)),
      `${f} differs from the uninterrupted run's`,
    );
  assert.deepEqual(metricsWithoutTiming(resumed.runDir), metricsWithoutTiming(straight.runDir));
  // The validation set was neither rendered again nor changed, and is the uninterrupted run's.
  assert.equal(statSync(path.join(resumed.runDir, valShard)).mtimeMs, valBefore);
  assert.ok(file(resumed.runDir, valShard).equals(file(straight.runDir, valShard)));
  assert.ok(file(resumed.runDir, 'sim.yaml').equals(simBefore));
  assert.match(
    file(resumed.runDir, 'train.log').toString(),
    /24 simulated cutouts, seed \d+ \(complete from before\)/,
  );
});

test('every epoch validates on val-data/: its metrics are those of the checkpoint scored on val-data/', async () => {
  const history = metricsWithoutTiming(straight.runDir);
  const best = json(straight.runDir, 'summary.json').best as { epoch: number };
  const val = await openDataset(path.join(straight.runDir, 'val-data'), {});
  for (const [checkpoint, epoch] of [
    ['last', 3],
    ['best', best.epoch],
  ] as const) {
    const run = loadRun(straight.runDir, { checkpoint });
    assert.equal(run.epoch, epoch);
    const loader = new BatchLoader(val, {
      normalization: run.normalization,
      seed: 1,
      workers: 0,
      prefetch: 1,
    });
    const scores = await scoreIndices(run.model, loader, splitIndices(val.items, 'val'), { batchSize: 64 });
    await loader.close();
    const m = validationMetrics(scores.logits, scores.labels);
    const logged = history[epoch - 1];
    assert.ok(
      Math.abs(m.val_loss - (logged.val_loss as number)) < 1e-9,
      `${checkpoint}: ${m.val_loss} vs ${logged.val_loss}`,
    );
    assert.equal(m.val_auc, logged.val_auc);
  }
});

test('validation data from data.path: its val split, of the simulated shape; the training cutouts are still fresh', async () => {
  const data = writeToyDeepLense({ perClass: 12, seed: 4 });
  const run = await train(
    simConfig({ data: { path: data, val_fraction: 0.25 }, epochs: 1, run: { name: 'val-path' } }),
    {
      console: false,
    },
  );
  const summary = json(run.runDir, 'summary.json');
  assert.equal((summary.sim as { validation: string }).validation, data);
  assert.equal(summary.val_images, 6);
  assert.equal(summary.train_images, 32);
  assert.ok(!readdirSync(run.runDir).includes('val-data'));
});

test('configuration errors name the key; nothing is created', async () => {
  const before = readdirSync(runs).sort();
  const rejects = (over: Record<string, unknown>, check: (e: LensfindError) => void) =>
    assert.rejects(
      () => train(simConfig({ ...over, run: { name: 'bad' } }), { console: false }),
      (e: unknown) => {
        assert.ok(e instanceof LensfindError, String(e));
        check(e);
        return true;
      },
    );
  await rejects({ data: { sim: { config: 'lsstx' } } }, (e) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.field, 'data.sim.config');
    assert.match(
      e.message,
      /^data\.sim\.config: no simulate preset 'lsstx' \(presets: .*lsst.*; or give a YAML file\)$/,
    );
  });
  await rejects({ data: { sim: { config: path.join(dir, 'nope.yaml') } } }, (e) =>
    assert.equal(e.message, `data.sim.config: ${path.join(dir, 'nope.yaml')}: no such file`),
  );
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(bad, 'survey: lsst\nimage_size: 16\nscene:\n  detectabilty: { min_arc_snr: 5 }\n');
  await rejects({ data: { sim: { config: bad } } }, (e) => {
    assert.match(e.message, new RegExp(`^data\\.sim\\.config ${bad}: invalid configuration:`));
    assert.match(e.message, /scene\.detectabilty: unknown key/);
  });
  writeFileSync(bad, 'survey: lsst\nbands: [g, r, q]\nimage_size: 16\n');
  await rejects({ data: { sim: { config: bad } } }, (e) =>
    assert.match(e.message, /^data\.sim\.config .*bad\.yaml: bands: survey lsst has no band 'q'/),
  );
  // Validation data of another shape than the simulated cutouts.
  const other = writeToyDeepLense({ perClass: 4, size: 24 });
  await rejects({ data: { path: other } }, (e) => {
    assert.equal(e.code, 'E_DATA');
    assert.match(e.message, /cutouts of \[3, 24, 24\], but data\.sim renders \[3, 16, 16\]/);
  });
  assert.deepEqual(readdirSync(runs).sort(), before);

  // The training schema: data.sim's own keys, snake_case, named as written.
  const load = (...overrides: string[]) => loadTrainConfig({ preset: 'quick', overrides });
  assert.equal(load('data.sim.config=lsst').config.data.sim?.n_per_epoch, 20000);
  assert.throws(
    () => load('data.sim.config=lsst', 'data.sim.n_per_epoch=0'),
    /data\.sim\.n_per_epoch: Too small/,
  );
  assert.throws(
    () => load('data.sim.config=lsst', 'data.sim.nPerEpoch=10'),
    /data\.sim\.nPerEpoch: config keys are snake_case: write data\.sim\.n_per_epoch \(from --set data\.sim\.nPerEpoch=10\)/,
  );
  assert.throws(
    () => load('data.sim.config=lsst', 'data.sim.per_epoch=10'),
    /data\.sim\.per_epoch: unknown key \(valid keys here: config, n_per_epoch, val_n\)/,
  );
  assert.throws(
    () => load('data.sim.n_per_epoch=10'),
    /data\.sim\.config: required: a simulate preset or YAML file/,
  );
});

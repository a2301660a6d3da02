/**
 * npm run bench:transfer -- --xsim DIR: does a model trained on lensfind's own simulations find lenses in images
 * lensfind did not render? Simulates the recommended training set (configs/sim/lsst.yaml), trains the recommended
 * recipe on it (the quick preset unless --preset), evaluates it on its own test split and on DIR (any dataset
 * --data reads, e.g. the lenstronomy-rendered DeepLense folder ../shared/xsim/lsst-lenstronomy), and prints ROC AUC,
 * TPR0, TPR10 and TPR at FPR 1e-2 for both, the per-bin metrics of its own test split, and the training time.
 * Both sets are also scored with test-time augmentation (`evaluate --tta`: the mean logit over the 8 flips and
 * quarter turns of every cutout), which costs inference time only.
 * Then where the own split's AUC goes: --controls new cutouts of the same scenes (another seed), simulated three
 * ways and scored with --tta: without the field (no line-of-sight galaxies, satellites or stars), at one depth (the
 * 10-year coadd at median seeing and dark sky, configs/surveys/lsst-median.yaml), and both (the isolated galaxies at
 * one depth that lensfind's test split held before its scenes had fields).
 * Nothing of DIR is used for training or for choosing anything; it is read only to be scored.
 *
 *   npm run bench:transfer -- --xsim ../shared/xsim/lsst-lenstronomy [--n 60000] [--epochs 14] [--preset quick]
 *     [--out bench-transfer] [--seed 1] [--set key=value ...] [--sim-set key=value ...] [--data DIR]
 *     [--controls 4000] [--run RUN]
 * `--run RUN` scores a run trained before (its own split: the run's training data, or --data) instead of training.
 * `--set` overrides the training preset, `--sim-set` the simulation preset (configs/sim/lsst.yaml). `--data DIR`
 * trains on a set simulated before (e.g. by an earlier run of this benchmark) instead of simulating one, so that
 * training recipes can be compared on the same cutouts. The defaults are the README's recipe for a survey search:
 * 60,000 cutouts (48,000 to train) and 14 epochs of the quick preset.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { eval as evaluation, sim, train as training } from '../src/index.js';

const { evaluateRun } = evaluation;
type EvaluateResult = evaluation.EvaluateResult;

const { values } = parseArgs({
  options: {
    xsim: { type: 'string' },
    n: { type: 'string', default: '60000' },
    epochs: { type: 'string', default: '14' },
    preset: { type: 'string', default: 'quick' },
    out: { type: 'string', default: 'bench-transfer' },
    seed: { type: 'string', default: '1' },
    set: { type: 'string', multiple: true, default: [] },
    'sim-set': { type: 'string', multiple: true, default: [] },
    workers: { type: 'string', default: '2' },
    data: { type: 'string' },
    run: { type: 'string' },
    controls: { type: 'string', default: '4000' },
  },
});
if (!values.xsim || !existsSync(values.xsim)) {
  console.error(
    'bench:transfer needs --xsim DIR, a dataset lensfind did not render (e.g. ../shared/xsim/lsst-lenstronomy)',
  );
  process.exit(2);
}
const out = path.resolve(values.out);
const dataDir = values.data ? path.resolve(values.data) : path.join(out, 'data');
const seed = Number(values.seed);
const nControls = Number(values.controls);
const steps = nControls > 0 ? 5 : 4;
const t0 = performance.now();
const minutes = (t: number) => ((performance.now() - t) / 60000).toFixed(1);

let runDir: string;
let trainMinutes = '-';
if (values.run) {
  // a run trained before (by this benchmark or `lensfind train`): scored only, on its own training data's test split
  // unless --data names another set
  runDir = path.resolve(values.run);
  if (!existsSync(path.join(runDir, 'config.yaml'))) {
    console.error(`bench:transfer: --run ${values.run} is not a run folder (no config.yaml)`);
    process.exit(2);
  }
  console.log(`[1-2/${steps}] scoring the run trained before in ${runDir}`);
} else {
  if (values.data) {
    if (!existsSync(dataDir)) {
      console.error(`bench:transfer: --data ${values.data} does not exist`);
      process.exit(2);
    }
    console.log(`[1/${steps}] training on the cutouts simulated before in ${dataDir}`);
  } else {
    console.log(
      `[1/${steps}] simulating ${values.n} cutouts (configs/sim/lsst.yaml, seed ${seed}) into ${dataDir}`,
    );
    const simConfig = sim.dataset.loadSimulateConfig({
      preset: 'lsst',
      flags: { n: Number(values.n), seed, workers: Number(values.workers), output: { previews: 16 } },
      overrides: values['sim-set'],
    });
    await sim.dataset.simulateDataset(simConfig, { out: dataDir });
  }

  console.log(`[2/${steps}] training the ${values.preset} preset (${minutes(t0)} min so far)`);
  const { config } = training.loadTrainConfig({
    preset: values.preset,
    flags: {
      data: { path: dataDir },
      seed,
      run: { dir: path.join(out, 'runs') },
      epochs: Number(values.epochs),
    },
    overrides: values.set,
  });
  const tTrain = performance.now();
  const run = await training.train(config, { overridden: {}, handleSignals: true });
  trainMinutes = minutes(tTrain);
  if (run.interrupted) process.exit(130);
  runDir = run.runDir;
}
// the own split: the run's training data unless --data was given (evaluateRun's default)
const ownData = values.run ? values.data : dataDir;

console.log(`[3/${steps}] evaluating on the own test split (${minutes(t0)} min so far)`);
const own = await evaluateRun({ run: runDir, data: ownData, split: 'test' });
console.log(`[4/${steps}] evaluating on ${values.xsim} (${minutes(t0)} min so far)`);
const other = await evaluateRun({ run: runDir, data: values.xsim, split: 'all' });
console.log(`      and both again with --tta (${minutes(t0)} min so far)`);
const ownTta = await evaluateRun({ run: runDir, data: ownData, split: 'test', tta: true });
const otherTta = await evaluateRun({ run: runDir, data: values.xsim, split: 'all', tta: true });

// the same scenes without their field, at one depth, and both: what each costs the own split's AUC
const CONTROLS: [string, string[]][] = [
  [
    'own scenes, no field, one depth, --tta',
    ['scene.field.enabled=false', 'scene.stars.enabled=false', 'survey=lsst-median'],
  ],
  ['own scenes, no field, --tta', ['scene.field.enabled=false', 'scene.stars.enabled=false']],
  ['own scenes, one depth, --tta', ['survey=lsst-median']],
];
const controls: [string, EvaluateResult][] = [];
if (nControls > 0) {
  console.log(
    `[5/5] ${nControls} new cutouts of the own scenes three ways, scored with --tta (${minutes(t0)} min so far)`,
  );
  for (const [k, [name, sets]] of CONTROLS.entries()) {
    const dir = path.join(out, `controls-${k}`);
    const controlConfig = sim.dataset.loadSimulateConfig({
      preset: 'lsst',
      flags: {
        n: nControls,
        seed: seed + 1000,
        workers: Number(values.workers),
        splits: { train: 0, val: 0, test: 1 },
        output: { previews: 8 },
      },
      overrides: [...values['sim-set'], ...sets],
    });
    await sim.dataset.simulateDataset(controlConfig, { out: dir, quiet: true });
    controls.push([name, await evaluateRun({ run: runDir, data: dir, split: 'test', tta: true })]);
  }
}

const f = (x: number | null | undefined, d = 4) => (x === null || x === undefined ? '-' : x.toFixed(d));
const row = (name: string, r: EvaluateResult) =>
  `${name.padEnd(40)} ${f(r.summary.rocAuc)}  ${f(r.summary.tpr0, 3)}  ${f(r.summary.tpr10, 3)}  ` +
  `${f(r.summary.tprAtFpr['0.01'], 3)}   ${r.summary.positives}/${r.summary.negatives}`;
console.log(
  `\nlensfind bench:transfer  (run ${runDir}; training ${trainMinutes} min, total ${minutes(t0)} min)`,
);
console.log(`${'evaluated on'.padEnd(40)} ROC AUC  TPR0   TPR10  TPR@1e-2  lenses/non-lenses`);
const xsimName = path.basename(path.resolve(values.xsim));
console.log(row('own test split (lensfind)', own));
console.log(row(xsimName, other));
console.log(row('own test split, --tta', ownTta));
console.log(row(`${xsimName}, --tta`, otherTta));
for (const [name, r] of controls) console.log(row(name, r));
console.log('\nper bin, own test split (TPR at the 0.5 threshold; AUC within the bin):');
for (const [column, bins] of Object.entries(own.byBin)) {
  const cells = bins.map((b) => `${b.bin} n=${b.count} tpr=${f(b.tpr, 2)} fpr=${f(b.fpr, 2)}`);
  console.log(`  ${column}: ${cells.join(' | ')}`);
}
for (const [column, bins] of Object.entries(other.byBin)) {
  const cells = bins.map((b) => `${b.bin} n=${b.count} tpr=${f(b.tpr, 2)} fpr=${f(b.fpr, 2)}`);
  console.log(`  (${path.basename(values.xsim)}) ${column}: ${cells.join(' | ')}`);
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { parseCommandArgs } from '../../src/cli/command.js';
import { sersicCommand } from '../../src/cli/commands/sersic.js';
import { loadSersicConfig } from '../../src/npe/config.js';
import { makeRenderer, normalizeImages, STREAM } from '../../src/npe/data.js';
import { refineWithRun } from '../../src/npe/refine-pool.js';
import { writeNpy } from '../../src/io/npy.js';
import { readCsv } from '../../src/io/csv.js';
import { Rng } from '../../src/sim/rng.js';
import { npe } from '../../src/index.js';
import { Generator } from '../../src/torch/random.js';
import { ConfigError } from '../../src/errors.js';
import { tinySersicTrainArgs } from '../helpers/sersic-tiny.js';

const tiny = tinySersicTrainArgs(12, 6);

test('sersic: arguments parse without a process; a wrong key is named as written', () => {
  const a = parseCommandArgs(sersicCommand, ['check', '--run', 'runs/x', '--galaxies', '50']);
  assert.deepEqual(a.positionals, ['check']);
  assert.equal(a.values.galaxies, '50');
  assert.throws(
    () => loadSersicConfig({ preset: 'quick', overrides: ['priors.R_sersic.mn=1'] }),
    (e: unknown) => e instanceof ConfigError && /priors\.R_sersic\.mn/.test(e.message),
  );
});

test('sersic train, predict and check end to end on a tiny run', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-sersic-'));
  const code = await main(['sersic', 'train', ...tiny, '--run-dir', dir, '--name', 't', '-q']);
  assert.equal(code, 0);
  const run = path.join(dir, 't');
  for (const f of [
    'config.yaml',
    'train.log',
    'metrics.jsonl',
    'summary.json',
    'checkpoints/best/model.safetensors',
  ])
    assert.ok(existsSync(path.join(run, f)), f);
  const metrics = readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').trim().split('\n');
  assert.equal(metrics.length, 2); // steps 6 and 12
  // resume at the end: nothing left to do, the same step count
  assert.equal(await main(['sersic', 'train', '--resume', run, '-q']), 0);
  assert.equal(JSON.parse(readFileSync(path.join(run, 'summary.json'), 'utf8')).steps, 12);

  // three galaxies in physical units, as a user's stack would come
  const { config } = loadSersicConfig({ file: path.join(run, 'config.yaml') });
  const r = makeRenderer(config);
  const imgs = new Float32Array(3 * 256);
  const th = new Float64Array(7);
  for (let i = 0; i < 3; i++) {
    const rng = Rng.forItem(99, i, STREAM.check);
    r.space.samplePrior(rng, th);
    imgs.set(r.render(th, rng), i * 256);
  }
  const input = path.join(dir, 'cutouts.npy');
  writeNpy(input, imgs, [3, 1, 16, 16], 'float32');
  const out = path.join(dir, 'post.csv');
  const samplesOut = path.join(dir, 'draws.npy');
  const argv = ['sersic', 'predict', '--run', run, '--input', input, '--out', out, '-n', '40'];
  assert.equal(await main([...argv, '--samples-out', samplesOut, '-q']), 0);
  const rows = readCsv(out);
  assert.equal(rows.length, 3);
  for (const row of rows) {
    const lo = Number(row['R_sersic_p16']),
      md = Number(row['R_sersic_median']),
      hi = Number(row['R_sersic_p84']);
    assert.ok(lo <= md && md <= hi, `percentiles ordered: ${lo} ${md} ${hi}`);
    assert.ok(md >= 0.2 && md <= 2, `R_sersic inside its prior: ${md}`);
    const phi = Number(row['phi_mean']);
    assert.ok(phi >= 0 && phi < 180);
  }
  assert.ok(existsSync(samplesOut));
  // refined: the same table with each galaxy's effective sample size
  const refinedOut = path.join(dir, 'refined.csv');
  assert.equal(
    await main([
      'sersic',
      'predict',
      '--run',
      run,
      '--input',
      input,
      '--out',
      refinedOut,
      '-n',
      '40',
      '--refine',
      '-q',
    ]),
    0,
  );
  for (const row of readCsv(refinedOut)) {
    const ess = Number(row['refine_ess']);
    assert.ok(ess >= 1 && ess <= 1000 + 400 * 9, `refine_ess ${ess}`);
    assert.ok(Number(row['refine_flow_ess']) >= 1 && Number(row['refine_flow_ess']) <= 400);
    assert.ok(Number(row['R_sersic_p16']) <= Number(row['R_sersic_p84']));
  }

  const checkCode = await main(['sersic', 'check', '--run', run, '--galaxies', '30', '-n', '40', '-q']);
  assert.ok(checkCode === 0 || checkCode === 2, `check exit ${checkCode}`);
  const report = JSON.parse(readFileSync(path.join(run, 'check', 'metrics.json'), 'utf8'));
  assert.equal(report.calibration.galaxies, 30);
  assert.equal(report.calibration.parameters.length, 7);
  for (const p of report.calibration.parameters) assert.ok(p.coverage68 >= 0 && p.coverage68 <= p.coverage95);
  assert.equal(checkCode === 0, report.calibration.passed);
  // coverage per SNR bin: every galaxy in one bin, the bins in order, the last open-ended
  const bins = report.coverage_by_snr as { lower: number; upper: number | null; galaxies: number }[];
  assert.equal(
    bins.reduce((n, b) => n + b.galaxies, 0),
    30,
  );
  for (let i = 1; i < bins.length; i++) assert.ok(bins[i].lower >= (bins[i - 1].upper ?? Infinity));
  assert.ok(bins.every((b) => b.upper === null || b.upper > b.lower));
  assert.ok(existsSync(path.join(run, 'check', 'coverage.png')));
  assert.ok(existsSync(path.join(run, 'check', 'tarp.svg')));
  // refinement on worker threads, in chunks: the same draws as on this thread
  const raw5 = new Float32Array(5 * 256);
  for (let i = 0; i < 5; i++) {
    const rng = Rng.forItem(98, i, STREAM.check);
    r.space.samplePrior(rng, th);
    raw5.set(r.render(th, rng), i * 256);
  }
  const x5 = normalizeImages(Float32Array.from(raw5), [r.bands[0].sigma], 256);
  const small = { samples: 20, seed: 3, roundDraws: 60, draws: 100, maxRounds: 2 };
  const inline = await refineWithRun(run, 'best', raw5, x5, 5, { ...small, workers: 0 });
  const pooled = await refineWithRun(run, 'best', raw5, x5, 5, { ...small, workers: 2, chunk: 2 });
  assert.deepEqual(Array.from(pooled.theta), Array.from(inline.theta));
  assert.deepEqual(Array.from(pooled.ess), Array.from(inline.ess));
  assert.deepEqual(Array.from(pooled.logEvidence), Array.from(inline.logEvidence));
  assert.ok(inline.logEvidence.every(Number.isFinite));
  // the refined posteriors' check, in its own folder
  const refinedCode = await main([
    'sersic',
    'check',
    '--run',
    run,
    '--galaxies',
    '4',
    '-n',
    '40',
    '--refine',
    '-q',
  ]);
  assert.ok(refinedCode === 0 || refinedCode === 2);
  const refined = JSON.parse(readFileSync(path.join(run, 'check-refined', 'metrics.json'), 'utf8'));
  assert.equal(refined.calibration.galaxies, 4);
  assert.ok(
    refined.refine.ess_median >= 1 && refined.refine.rounds_median >= 2,
    JSON.stringify(refined.refine),
  );
  // and how far the flow is from the exact posterior: the NLLs' difference, far above 0 for a 12-step network
  const gap = refined.flow_gap_to_exact;
  assert.equal(gap.galaxies, 4);
  assert.ok(Math.abs(gap.mean_nats - (gap.flow_nll - gap.exact_nll)) < 1e-9, JSON.stringify(gap));
  assert.ok(gap.mean_nats > 1, JSON.stringify(gap));
  assert.equal(
    gap.by_snr.reduce((a: number, b: { galaxies: number }) => a + b.galaxies, 0),
    4,
  );

  // recalibration: fitted on its own stream, written to the run, applied by predict and check (--raw: not)
  assert.equal(
    await main(['sersic', 'calibrate', '--run', run, '--galaxies', '64', '-n', '40', '--bins', '2', '-q']),
    0,
  );
  const cal = JSON.parse(readFileSync(path.join(run, 'recalibration.json'), 'utf8'));
  assert.equal(cal.galaxies, 64);
  assert.deepEqual(
    cal.components.map((c: { kind: string }) => c.kind),
    ['axis', 'axis', 'axis', 'radial', 'tangential', 'axis', 'axis'],
  );
  const recalOut = path.join(dir, 'recal.csv'),
    rawOut = path.join(dir, 'raw.csv');
  assert.equal(await main([...argv.slice(0, 7), recalOut, '-n', '40', '-q']), 0);
  assert.equal(await main([...argv.slice(0, 7), rawOut, '-n', '40', '--raw', '-q']), 0);
  assert.deepEqual(readCsv(rawOut), rows, '--raw gives the flow’s own draws, as before calibrate');
  assert.notDeepEqual(readCsv(recalOut), rows);
  // on the engine (samplePosterior) as in plain arrays (applyWidthScaling): the same draws
  const loaded = npe.loadSersicRun(run);
  assert.ok(loaded.recalibration);
  const zRaw = npe.samplePosterior(loaded.net, loaded.space, x5, 5, 40, {
    generator: new Generator(7),
    unconstrained: true,
  });
  const zCal = npe.samplePosterior(loaded.net, loaded.space, x5, 5, 40, {
    generator: new Generator(7),
    unconstrained: true,
    recalibration: loaded.recalibration,
  });
  npe.applyWidthScaling(loaded.recalibration!, zRaw, npe.imageLogSnr(x5, 5), 40, 7);
  zRaw.forEach((v, i) =>
    assert.ok(Math.abs(v - zCal[i]) < 1e-4 * (1 + Math.abs(v)), `draw ${i}: ${v} ${zCal[i]}`),
  );
  const recalCode = await main(['sersic', 'check', '--run', run, '--galaxies', '30', '-n', '40', '-q']);
  assert.ok(recalCode === 0 || recalCode === 2);
  const recalReport = JSON.parse(readFileSync(path.join(run, 'check-recalibrated', 'metrics.json'), 'utf8'));
  assert.equal(recalReport.posterior, 'recalibrated');
  assert.equal(report.posterior, 'flow');
});

test('sersic with the mixture head: train, calibrate and predict on a tiny run', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-sersic-mdn-'));
  const flags = [...tiny, '--set', 'model.flow.name=mdn', '--set', 'model.flow.components=2'];
  assert.equal(await main(['sersic', 'train', ...flags, '--run-dir', dir, '--name', 'm', '-q']), 0);
  const run = path.join(dir, 'm');
  assert.equal(
    await main(['sersic', 'calibrate', '--run', run, '--galaxies', '32', '-n', '30', '--bins', '2', '-q']),
    0,
  );
  const loaded = npe.loadSersicRun(run);
  assert.equal(loaded.net.flow.constructor.name, 'GaussianMixture');
  const x = new Float32Array(3 * 256).map((_, i) => Math.asinh(3 * Math.exp(-(((i % 256) - 136) ** 2) / 40)));
  for (const recalibration of [undefined, loaded.recalibration]) {
    const draws = npe.samplePosterior(loaded.net, loaded.space, x, 3, 50, {
      generator: new Generator(1),
      recalibration,
    });
    for (let r = 0; r < 3 * 50; r++)
      for (let j = 0; j < 7; j++) {
        const [lo, hi] = loaded.space.bounds(j);
        const v = draws[r * 7 + j];
        assert.ok(v >= lo && v <= hi, `draw ${r}, ${loaded.space.names[j]}: ${v} outside [${lo}, ${hi}]`);
      }
  }
});

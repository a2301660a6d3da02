// The moving average of the weights (ema_decay): its arithmetic, and a run that keeps one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { train } from '../../src/train/trainer.js';
import { WeightAverage } from '../../src/train/ema.js';
import { BatchNorm2d, Linear, Sequential } from '../../src/torch/nn/index.js';
import { Generator } from '../../src/torch/random.js';
import { noGrad } from '../../src/torch/autograd.js';
import { loadSafetensors } from '../../src/torch/serialization.js';
import { metricsWithoutTiming } from '../helpers/run-files.js';
import { writeToyDeepLense, toyConfig } from './toy-data.js';

function net(seed: number) {
  const g = new Generator(seed);
  return new Sequential(new Linear(3, 2, { generator: g }), new BatchNorm2d(2));
}

test('the average moves by 1 - d_t towards the weights, with timm warm-up decays; integer buffers are copied', () => {
  const source = net(1);
  const ema = new WeightAverage(source, net(2), 0.9);
  const values = (m: ReturnType<typeof net>) => new Map([...m.stateDict()].map(([k, t]) => [k, t.toArray()]));
  // the average starts as a copy
  assert.deepEqual(values(ema.average as ReturnType<typeof net>), values(source));
  let expected = values(source);
  const decays: number[] = [];
  for (let step = 0; step < 6; step++) {
    noGrad(() => {
      for (const [key, t] of source.stateDict()) {
        if (key.endsWith('num_batches_tracked')) t.add_(1);
        else t.add_(0.25 * (step + 1));
      }
    });
    const d = ema.nextDecay();
    decays.push(d);
    ema.update();
    const now = values(source);
    expected = new Map(
      [...expected].map(([k, v]) => [
        k,
        k.endsWith('num_batches_tracked') ? now.get(k)! : v.map((e, i) => d * e + (1 - d) * now.get(k)![i]),
      ]),
    );
    for (const [k, v] of values(ema.average as ReturnType<typeof net>))
      v.forEach((x, i) =>
        assert.ok(Math.abs(x - expected.get(k)![i]) < 1e-5, `step ${step} ${k}[${i}]: ${x}`),
      );
  }
  // d_t = min(0.9, 1 - (1 + t)^(-3/4)): 0 (a copy) at the first update, then rising to the decay
  const warm = [0, 1, 2, 3, 4, 5].map((t) => Math.min(0.9, 1 - (1 + t) ** (-3 / 4)));
  decays.forEach((d, i) => assert.ok(Math.abs(d - warm[i]) < 1e-12));
  assert.equal(decays[0], 0);
  assert.equal(ema.updates, 6);
});

const data = writeToyDeepLense({ perClass: 24, seed: 5 });
const config = (name: string, ema: number | null) =>
  toyConfig(data, { epochs: 3, batch_size: 8, ema_decay: ema, run: { name } });
const file = (run: string, which: string, name: string) =>
  new Map([...loadSafetensors(path.join(run, 'checkpoints', which, name))].map(([k, t]) => [k, t.toArray()]));

test('a run with ema_decay trains the same weights, validates their average, and resumes exactly', async () => {
  const plain = await train(config('plain', null), { console: false });
  const averaged = await train(config('averaged', 0.9), { console: false });
  // the average does not touch training: the trained weights are those of the run without it
  assert.deepEqual(
    file(averaged.runDir, 'last', 'trained.safetensors'),
    file(plain.runDir, 'last', 'model.safetensors'),
  );
  // model.safetensors holds the average, which differs from the trained weights
  const avg = file(averaged.runDir, 'last', 'model.safetensors');
  const trained = file(averaged.runDir, 'last', 'trained.safetensors');
  assert.ok([...avg].some(([k, v]) => v.some((x, i) => x !== trained.get(k)![i])));
  // and the validation scores are the average's, not the trained weights'
  assert.notDeepEqual(
    averaged.history.map((m) => m.val_loss),
    plain.history.map((m) => m.val_loss),
  );

  const first = await train(config('averaged-resumed', 0.9), { console: false, stopAfterEpochs: 1 });
  const resumed = await train(null, { resume: first.runDir, console: false });
  assert.equal(resumed.epochs, 3);
  for (const name of ['model.safetensors', 'trained.safetensors']) {
    const a = file(averaged.runDir, 'last', name),
      b = file(resumed.runDir, 'last', name);
    for (const [k, va] of a)
      va.forEach((x, i) =>
        assert.ok(Math.abs(x - b.get(k)![i]) <= 1e-6 * (1 + Math.abs(x)), `${name} ${k}[${i}]`),
      );
  }
  assert.deepEqual(metricsWithoutTiming(resumed.runDir), metricsWithoutTiming(averaged.runDir));
});

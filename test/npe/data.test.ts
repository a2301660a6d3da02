import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sersicConfigSchema } from '../../src/npe/config.js';
import { makeRenderer, simulateBatch, STREAM } from '../../src/npe/data.js';
import { SimPool } from '../../src/npe/pool.js';

const settings = sersicConfigSchema.parse({
  image_size: 32,
  priors: {
    R_sersic: { min: 0.2, max: 1.5, prior: 'log-uniform' },
    center_x: { min: -0.4, max: 0.4 },
    center_y: { min: -0.4, max: 0.4 },
    mag: { min: 18, max: 23 },
  },
  seed: 5,
});

test('the same seed gives the same galaxies whatever the workers and the batching', async () => {
  const renderer = makeRenderer(settings);
  const whole = simulateBatch(renderer, 5, STREAM.train, 0, 12);
  // items 4..11 alone, on the main thread
  const tail = simulateBatch(renderer, 5, STREAM.train, 4, 8);
  assert.deepEqual(tail.x, whole.x.subarray(4 * 1024));
  assert.deepEqual(tail.theta, whole.theta.subarray(4 * 7));
  // two workers, chunks of 5
  const pool = new SimPool(settings, 2);
  try {
    const viaPool = await pool.range(STREAM.train, 0, 12, 5);
    assert.deepEqual(viaPool.x, whole.x);
    assert.deepEqual(viaPool.theta, whole.theta);
  } finally {
    await pool.close();
  }
  // another stream or seed: other galaxies
  const val = simulateBatch(renderer, 5, STREAM.val, 0, 12);
  assert.notDeepEqual(val.theta, whole.theta);
});

test('a rendering worker that stops fails the batches waiting on it, naming it, instead of hanging', async () => {
  // before the shared worker pool, `sersic train` and `sersic check` waited forever here
  const pool = new SimPool(settings, 1);
  try {
    const first = await pool.batch(STREAM.train, 0, 2);
    assert.equal(first.theta.length, 2 * 7);
    const worker = (pool as unknown as { pool: { workers: { terminate(): Promise<number> }[] } }).pool
      .workers[0];
    // killed between batches (test/worker/pool.test.ts kills one in the middle of a request)
    await worker.terminate();
    await assert.rejects(
      pool.batch(STREAM.train, 2, 2),
      /^Error: rendering worker 0 stopped \(exit code 1\) while it was still needed$/,
    );
  } finally {
    await pool.close();
  }
});

test('a rendered galaxy holds its flux and sits where its centre says', () => {
  const renderer = makeRenderer({ ...settings, noise: false });
  const theta = Float64Array.from([20, 0.4, 1.5, 0.7, 30, 0.3, -0.2]);
  const img = renderer.noiseless(theta);
  let sum = 0,
    mx = 0,
    my = 0;
  const N = 32,
    s = renderer.pixelScale;
  for (let r = 0; r < N; r++)
    for (let c = 0; c < N; c++) {
      const v = img[r * N + c];
      sum += v;
      mx += v * (c - (N - 1) / 2) * s;
      my += v * ((N - 1) / 2 - r) * s; // row 0 is the top: y up
    }
  const flux = renderer.fluxes(theta)[0];
  // a Sérsic n = 1.5 of R_e 0.4" loses < 2% beyond a 6.4" cutout
  assert.ok(sum / flux > 0.97 && sum / flux <= 1.001, `flux ratio ${sum / flux}`);
  assert.ok(Math.abs(mx / sum - 0.3) < 0.02, `x centroid ${mx / sum}`);
  assert.ok(Math.abs(my / sum + 0.2) < 0.02, `y centroid ${my / sum}`);
});

test('several bands: one magnitude per band, one plane per band', () => {
  const renderer = makeRenderer({ ...settings, bands: ['g', 'r', 'i'] });
  assert.deepEqual(renderer.space.names.slice(0, 3), ['mag_g', 'mag_r', 'mag_i']);
  const b = simulateBatch(renderer, 5, STREAM.train, 0, 2);
  assert.equal(b.x.length, 2 * 3 * 1024);
  assert.equal(b.theta.length, 2 * 9);
  // the brighter band (smaller magnitude at a similar zero point) holds more of the light
  const theta = Float64Array.from([19, 21, 23, 0.5, 1, 0.8, 10, 0, 0]);
  const img = renderer.noiseless(theta);
  const sums = [0, 1, 2].map((k) => img.subarray(k * 1024, (k + 1) * 1024).reduce((a, v) => a + v, 0));
  const fl = renderer.fluxes(theta);
  for (let k = 0; k < 3; k++)
    assert.ok(Math.abs(sums[k] / fl[k] - 1) < 0.03, `band ${k}: ${sums[k]} vs ${fl[k]}`);
});

// WorkerPool / serveRequests (src/worker): the one request-reply shape behind every parallel job. Results and
// progress come back per request; errors keep their class; a worker that stops fails its requests and later ones
// with a message naming it (never a hang); depth 1 hands work to whichever worker is free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../src/errors.js';
import { WorkerPool } from '../../src/worker/pool.js';
import type { EchoRequest, EchoResult } from '../helpers/echo-worker.js';

const entry = fileURLToPath(new URL('../helpers/echo-worker.ts', import.meta.url));
const makePool = (count: number, depth?: number) =>
  new WorkerPool<EchoRequest, EchoResult, number>(entry, { offset: 0.5 }, count, { name: 'echo', depth });

test('every request gets its own result and progress, from workerData and the request', async () => {
  const pool = makePool(2);
  try {
    const seen: number[] = [];
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((value) =>
        pool.request({ op: 'square', value }, { onProgress: (p) => seen.push(p) }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.value),
      [1.5, 4.5, 9.5, 16.5, 25.5],
    );
    assert.deepEqual(seen.sort(), [1, 2, 3, 4, 5]);
    // spread over both threads
    assert.equal(new Set(results.map((r) => r.thread)).size, 2);
  } finally {
    await pool.close();
  }
});

test('a thrown error comes back with its class and field; the worker keeps serving', async () => {
  const pool = makePool(1);
  try {
    await assert.rejects(pool.request({ op: 'config-error', value: 7 }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.field, 'some_key');
      assert.equal(err.message, 'value 7 is not allowed');
      return true;
    });
    assert.equal((await pool.request({ op: 'square', value: 3 })).value, 9.5);
  } finally {
    await pool.close();
  }
});

test('a worker that exits rejects its request and every later one, naming it, instead of hanging', async () => {
  const pool = makePool(1, 1);
  try {
    const exiting = pool.request({ op: 'exit', value: 0 });
    const waiting = pool.request({ op: 'square', value: 2 }); // queued behind the exit (depth 1)
    await assert.rejects(exiting, /^Error: echo worker 0 stopped \(exit code 3\) while it was still needed$/);
    await assert.rejects(waiting, /echo worker 0 stopped/);
    await assert.rejects(pool.request({ op: 'square', value: 1 }), /echo worker 0 stopped/);
  } finally {
    await pool.close();
  }
});

test('depth 1 queues: no worker holds two requests, and all are answered in any order of completion', async () => {
  const pool = makePool(2, 1);
  try {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => pool.request({ op: i % 2 ? 'slow' : 'square', value: i })),
    );
    assert.deepEqual(
      results.map((r) => r.value),
      [0, 1, 4, 9, 16, 25].map((v) => v + 0.5),
    );
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.request({ op: 'square', value: 1 }), /^Error: echo pool: used after close\(\)$/);
});

test('serving never changes a worker’s ref state, so a terminate() keeps the loop until that worker exits', async () => {
  // terminate() refs its worker until the exit. The pool used to ref a worker per request and unref it when the
  // last answer came: an answer read while a terminate() was under way (a data worker stopped mid-epoch, `train
  // --sim`) undid that ref, and the loop could end with terminate() and the run still pending. A timer now holds the
  // loop while requests are in flight; awaiting the answers below, with nothing else alive, shows that it does.
  const pool = makePool(2);
  const calls: string[] = [];
  for (const w of pool.workers)
    for (const m of ['ref', 'unref'] as const) {
      const own = w[m].bind(w);
      w[m] = () => {
        calls.push(m);
        own();
      };
    }
  try {
    const results = await Promise.all([1, 2, 3].map((value) => pool.request({ op: 'square', value })));
    assert.deepEqual(
      results.map((r) => r.value),
      [1.5, 4.5, 9.5],
    );
    assert.deepEqual(calls, [], 'the pool ref’d or unref’d a worker while serving');
  } finally {
    await pool.close();
  }
});

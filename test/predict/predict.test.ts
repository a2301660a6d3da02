import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from '../../src/io/csv.js';
import { LensfindError } from '../../src/errors.js';
import { acquireLock } from '../../src/io/process-lock.js';
import { encodeNpy, writeNpy } from '../../src/io/npy.js';
import { evaluateRun } from '../../src/eval/evaluate-run.js';
import { predict } from '../../src/predict/predict.js';
import { catalogFormat } from '../../src/predict/catalog.js';
import { openPredictInput } from '../../src/predict/input.js';
import { tinyCutout, tinyRun } from './tiny-run.js';

test('predict: folders with corrupt files, stacks, ensembles and other image sizes', async (t) => {
  const { runDir, dataDir, root } = await tinyRun('pred');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const evaluated = await evaluateRun(runDir, { bootstrap: 0, workers: 0, plots: false });
  const expected = new Map(evaluated.scores.ids.map((id, k) => [id, evaluated.scores.score[k]]));

  await t.test(
    'a folder with corrupt files completes, lists them in rejected.csv, sorts the catalogue',
    async () => {
      const dir = path.join(root, 'survey');
      mkdirSync(path.join(dir, 'sub'), { recursive: true });
      const good = ['0000', '0001', '0002', '0003'];
      for (const g of good)
        copyFileSync(path.join(dataDir, 'test_lenses', `${g}.npy`), path.join(dir, `lens${g}.npy`));
      for (const g of good)
        copyFileSync(path.join(dataDir, 'test_nonlenses', `${g}.npy`), path.join(dir, 'sub', `non${g}.npy`));
      writeFileSync(path.join(dir, 'a_text.npy'), 'not an array');
      const full = encodeNpy(tinyCutout(1, 5), [3, 16, 16]);
      writeFileSync(path.join(dir, 'truncated.npy'), full.subarray(0, full.length - 100));
      const nan = tinyCutout(0, 6);
      nan[7] = NaN;
      writeNpy(path.join(dir, 'nan.npy'), nan, [3, 16, 16]);
      writeNpy(path.join(dir, 'wrong_shape.npy'), new Float32Array(3 * 8 * 8), [3, 8, 8]);
      writeFileSync(path.join(dir, 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\nnot really'));
      writeFileSync(path.join(dir, 'notes.txt'), 'ignored: not an image file');

      const out = path.join(root, 'out', 'catalog.csv');
      // The libtorch backend, as evaluate scores: the same model gives the same bits (ONNX Runtime's differ by
      // ~1e-7, test/export/export-run.test.ts).
      const res = await predict({
        runs: [runDir],
        input: dir,
        out,
        workers: 0,
        batchSize: 3,
        backend: 'torch',
      });
      assert.equal(res.scored, 8);
      const rejected = readCsv(res.rejectedFile);
      assert.deepEqual(rejected.map((r) => path.basename(r.source)).sort(), [
        'a_text.npy',
        'broken.png',
        'nan.npy',
        'truncated.npy',
        'wrong_shape.npy',
      ]);
      assert.ok(rejected.every((r) => r.reason.length > 0));
      assert.ok(rejected.find((r) => r.source.endsWith('nan.npy'))!.reason.includes('non-finite'));
      const rows = readCsv(out);
      assert.deepEqual(Object.keys(rows[0]), ['id', 'path', 'score', 'rank', 'logit']);
      assert.equal(rows.length, 8);
      rows.forEach((r, k) => {
        assert.equal(Number(r.rank), k + 1);
        if (k > 0) assert.ok(Number(r.score) <= Number(rows[k - 1].score));
      });
      // The same cutouts score as evaluate scored them.
      for (const g of good) {
        const lens = rows.find((r) => r.id === `lens${g}`)!;
        assert.ok(Math.abs(Number(lens.score) - expected.get(`test_lenses/${g}`)!) < 1e-12);
        const non = rows.find((r) => r.id === `sub/non${g}`)!;
        assert.ok(Math.abs(Number(non.score) - expected.get(`test_nonlenses/${g}`)!) < 1e-12);
      }
      assert.ok(res.imagesPerSecond > 0);
    },
  );

  await t.test('a .npy stack scores like the files; an ensemble adds per-model columns', async () => {
    const stack = new Float32Array(4 * 3 * 16 * 16);
    for (let i = 0; i < 4; i++) {
      const bytes = readFileSync(path.join(dataDir, 'test_lenses', `000${i}.npy`));
      stack.set(
        new Float32Array(
          bytes.buffer.slice(bytes.byteOffset + bytes.length - 3 * 256 * 4, bytes.byteOffset + bytes.length),
        ),
        i * 768,
      );
    }
    const file = path.join(root, 'stack.npy');
    writeNpy(file, stack, [4, 3, 16, 16]);
    const out = path.join(root, 'stack_catalog.csv');
    await predict({
      runs: [runDir, runDir],
      input: file,
      out,
      workers: 0,
      method: 'logit-mean',
      backend: 'torch',
    });
    const rows = readCsv(out);
    assert.deepEqual(Object.keys(rows[0]), [
      'id',
      'path',
      'score',
      'rank',
      'logit',
      'score_pred-1',
      'score_pred-2',
    ]);
    for (const r of rows) {
      const i = Number(r.id.split('#')[1]);
      assert.ok(Math.abs(Number(r.score) - expected.get(`test_lenses/000${i}`)!) < 1e-9);
      assert.ok(r.path.endsWith(`stack.npy#${i}`));
    }
  });

  await t.test('cutouts of another size are resized to the model input', async () => {
    const file = path.join(root, 'big.npy');
    const big = new Float32Array(2 * 3 * 24 * 24);
    big.set(tinyCutout(1, 9, 24), 0);
    big.set(tinyCutout(0, 10, 24), 3 * 24 * 24);
    writeNpy(file, big, [2, 3, 24, 24]);
    const input = await openPredictInput(file, { bands: 3 });
    assert.deepEqual([input.bands, input.height, input.width, input.items.length], [3, 24, 24, 2]);
    const out = path.join(root, 'big.csv');
    const res = await predict({ runs: [runDir], input: file, out, workers: 0 });
    assert.equal(res.scored, 2);
    assert.ok(readCsv(out).every((r) => Number.isFinite(Number(r.score))));
  });

  await t.test('with --tta a cutout, its mirror image and its 90° rotation score the same', async () => {
    const n = 16;
    const x = tinyCutout(1, 77, n);
    const mirror = new Float32Array(x.length);
    const rot = new Float32Array(x.length);
    for (let b = 0; b < 3; b++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          mirror[b * n * n + i * n + j] = x[b * n * n + i * n + (n - 1 - j)];
          rot[b * n * n + i * n + j] = x[b * n * n + j * n + (n - 1 - i)];
        }
      }
    }
    const stack = new Float32Array(3 * x.length);
    [x, mirror, rot].forEach((a, k) => stack.set(a, k * x.length));
    const file = path.join(root, 'sym.npy');
    writeNpy(file, stack, [3, 3, n, n]);
    const score = async (tta: boolean) => {
      const out = path.join(root, `sym-${tta}.csv`);
      await predict({ runs: [runDir], input: file, out, workers: 0, tta });
      const rows = readCsv(out);
      return [0, 1, 2].map((i) => Number(rows.find((r) => r.id === `sym#${i}`)!.logit));
    };
    const [a, b, c] = await score(true);
    assert.ok(Math.abs(a - b) < 1e-5 && Math.abs(a - c) < 1e-5, `${a} ${b} ${c}`);
    const plain = await score(false);
    assert.ok(
      Math.abs(plain[0] - plain[1]) + Math.abs(plain[0] - plain[2]) > 1e-4,
      'without TTA the views differ',
    );
  });

  await t.test('a .parquet catalogue holds the same rows as the .csv one', async () => {
    const file = path.join(root, 'sym.npy');
    await predict({ runs: [runDir], input: file, out: path.join(root, 'same.csv'), workers: 0 });
    await predict({ runs: [runDir], input: file, out: path.join(root, 'same.parquet'), workers: 0 });
    const csv = readCsv(path.join(root, 'same.csv'));
    const rows = (await parquetReadObjects({
      file: await asyncBufferFromFile(path.join(root, 'same.parquet')),
    })) as Record<string, unknown>[];
    assert.equal(rows.length, csv.length);
    rows.forEach((r, k) => {
      assert.equal(r.id, csv[k].id);
      assert.equal(r.rank, k + 1);
      assert.ok(Math.abs((r.score as number) - Number(csv[k].score)) < 1e-12);
    });
    assert.throws(() => catalogFormat('cands.txt'), /expected a \.csv or \.parquet/);
  });

  await t.test(
    'one predict per output: a live holder of <out>.lock refuses a second, naming the output',
    async () => {
      const file = path.join(root, 'sym.npy');
      const out = path.join(root, 'locked.csv');
      const held = acquireLock(`${out}.lock`, out, 'E_OUTPUT_LOCKED');
      await assert.rejects(
        predict({ runs: [runDir], input: file, out, workers: 0 }),
        (e: unknown) =>
          e instanceof LensfindError &&
          e.code === 'E_OUTPUT_LOCKED' &&
          e.message.includes(out) &&
          e.message.includes(`process ${process.pid}`),
      );
      assert.ok(!existsSync(out) && !existsSync(`${out}.parts`), 'nothing written while locked');
      held.release();
      const res = await predict({ runs: [runDir], input: file, out, workers: 0 });
      assert.equal(res.scored, 3);
      assert.ok(existsSync(out) && !existsSync(`${out}.lock`), 'the catalogue written, the lock released');
    },
  );
});

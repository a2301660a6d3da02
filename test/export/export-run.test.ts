// lensfind export on a trained run: the file's metadata, its logits against the loaded run's, and predict's two
// backends giving the same catalogue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { exportRun } from '../../src/export/export-run.js';
import { loadRun } from '../../src/infer/load-run.js';
import { batchLogits } from '../../src/models/logits.js';
import { BatchLoader, type Batch } from '../../src/data/loader.js';
import { openDataset } from '../../src/data/open.js';
import { predict } from '../../src/predict/predict.js';
import { readCsv } from '../../src/io/csv.js';
import { main } from '../../src/cli/main.js';
import { tinyRun } from '../predict/tiny-run.js';

/** The top-level fields of a protobuf message: field number -> list of length-delimited payloads. */
function messageFields(buf: Uint8Array): Map<number, Uint8Array[]> {
  const out = new Map<number, Uint8Array[]>();
  let pos = 0;
  const varint = () => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const tag = Number(varint());
    const field = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 5) pos += 4;
    else if (wire === 1) pos += 8;
    else if (wire === 2) {
      const len = Number(varint());
      (out.get(field) ?? out.set(field, []).get(field)!).push(buf.subarray(pos, pos + len));
      pos += len;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}

function metadataProps(file: string): Record<string, string> {
  const dec = new TextDecoder();
  const props: Record<string, string> = {};
  for (const entry of messageFields(readFileSync(file)).get(14) ?? []) {
    const f = messageFields(entry);
    props[dec.decode(f.get(1)![0])] = dec.decode(f.get(2)![0]);
  }
  return props;
}

test('export a trained run; score it with ONNX Runtime', async (t) => {
  const { runDir, dataDir, root } = await tinyRun('export');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const run = loadRun(runDir);

  await t.test(
    'the file records the model, normalisation and config; logits equal libtorch within 1e-4',
    async () => {
      const out = path.join(root, 'out', 'model.onnx');
      const res = exportRun({ run: runDir, out });
      assert.equal(res.model, 'lensnet');
      assert.ok(existsSync(out));
      assert.equal(readFileSync(out).byteLength, res.bytes);
      // Atomic: no temporary file left beside it.
      assert.deepEqual(readdirSync(path.dirname(out)), ['model.onnx']);
      const meta = metadataProps(out);
      assert.equal(meta['lensfind.model'], 'lensnet');
      assert.deepEqual(JSON.parse(meta['lensfind.normalization']), run.normalization);
      assert.equal(JSON.parse(meta['lensfind.config']).model.name, 'lensnet');
      assert.deepEqual(JSON.parse(meta['lensfind.model_options']).channels, [4, 8]);
      assert.equal(JSON.parse(meta['lensfind.temperature']), 1);

      // One batch of test cutouts normalised by the run's normalisation, through both engines.
      const data = await openDataset(dataDir, {});
      const loader = new BatchLoader(data, {
        normalization: run.normalization,
        augmentation: null,
        seed: 0,
        workers: 0,
        prefetch: 1,
      });
      let batch: Batch | undefined;
      const indices = data.items.map((_, i) => i).slice(0, 12);
      for await (const b of loader.epoch(indices, {
        epoch: 0,
        batchSize: 12,
        sampler: 'none',
        augment: false,
      })) {
        batch = b;
        break;
      }
      await loader.close();
      const expected = batchLogits(run.model, batch!);
      const session = await ort.InferenceSession.create(out);
      const got = (await session.run({ input: new ort.Tensor('float32', batch!.x, batch!.shape) })).logit
        .data as Float32Array;
      await session.release();
      assert.equal(got.length, 12);
      let maxDiff = 0;
      for (let i = 0; i < 12; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
      assert.ok(maxDiff <= 1e-4, `max |Δlogit| ${maxDiff}`);
      assert.ok(Math.max(...expected) - Math.min(...expected) > 1e-3);
    },
  );

  await t.test('lensfind export refuses a non-.onnx name; the CLI writes the file', async () => {
    const bad = await main(['export', '--run', runDir, '--out', path.join(root, 'model.bin')]);
    assert.equal(bad, 2);
    const out = path.join(root, 'cli', 'm.onnx');
    assert.equal(await main(['export', '--run', runDir, '--out', out]), 0);
    assert.ok(readFileSync(out).byteLength > 1000);
  });

  await t.test('predict --backend onnx and torch write the same catalogue (scores within 1e-6)', async () => {
    const input = path.join(dataDir, 'test_lenses');
    const cat = {} as Record<string, ReturnType<typeof readCsv>>;
    for (const backend of ['onnx', 'torch'] as const) {
      const out = path.join(root, backend, 'catalog.csv');
      const res = await predict({ runs: [runDir], input, out, workers: 0, batchSize: 5, backend, tta: true });
      assert.equal(res.scored, 16);
      cat[backend] = readCsv(out);
    }
    assert.equal(cat.onnx.length, 16);
    const torchById = new Map(cat.torch.map((r) => [r.id, Number(r.score)]));
    for (const r of cat.onnx) assert.ok(Math.abs(Number(r.score) - torchById.get(r.id)!) < 1e-6, r.id);
  });
});

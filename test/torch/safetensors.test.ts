import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensorsFile,
  readSafetensorsHeader,
  writeSafetensorsFile,
  saveSafetensors,
  loadSafetensors,
  loadSafetensorsWithMetadata,
  type SafetensorsData,
} from '../../src/torch/serialization.js';
import { DataError } from '../../src/errors.js';
import { arange, tensor } from '../../src/torch/creation.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures');
const dtypesFile = path.join(fixtures, 'torch/safetensors_dtypes.safetensors');
const expected = JSON.parse(readFileSync(path.join(fixtures, 'torch/safetensors_dtypes.json'), 'utf8')) as {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; values: (number | string)[]; raw?: number[] }>;
};

function asNumbers(data: SafetensorsData): (number | string)[] {
  return data instanceof BigInt64Array ? [...data].map(String) : [...data];
}

test('decodes every dtype of the numpy-written fixture to its values, shapes and metadata', () => {
  const { tensors, metadata } = readSafetensorsFile(dtypesFile);
  assert.deepEqual(metadata, expected.metadata);
  assert.deepEqual([...tensors.keys()], Object.keys(expected.tensors));
  for (const [name, want] of Object.entries(expected.tensors)) {
    const got = tensors.get(name)!;
    assert.equal(got.dtype, want.dtype, name);
    assert.deepEqual(got.shape, want.shape, name);
    // F16/BF16 come back as raw 16-bit patterns
    assert.deepEqual(asNumbers(got.data), want.raw ?? want.values, name);
  }
  assert.ok(tensors.get('big')!.data instanceof BigInt64Array);
  assert.equal((tensors.get('big')!.data as BigInt64Array)[1], 2n ** 40n + 1n);
});

test('re-encoding the decoded fixture gives the same bytes (byte-exact round trip)', () => {
  const bytes = readFileSync(dtypesFile);
  const { tensors, metadata } = decodeSafetensors(bytes);
  const again = encodeSafetensors(tensors, metadata);
  assert.equal(again.byteLength, bytes.byteLength);
  assert.ok(Buffer.from(again).equals(bytes));
  // header length is a multiple of 8 and padded with spaces
  const n = Number(Buffer.from(again).readBigUInt64LE(0));
  assert.equal(n % 8, 0);
});

test('decodes the PyTorch state_dict fixtures of test/fixtures/models', () => {
  const { tensors } = readSafetensorsFile(path.join(fixtures, 'models/resnet_w4_small.safetensors'));
  const w = tensors.get('conv1.weight')!;
  assert.equal(w.dtype, 'F32');
  assert.deepEqual(w.shape, [4, 5, 3, 3]);
  assert.equal(w.data.length, 180);
  const nbt = tensors.get('bn1.num_batches_tracked')!;
  assert.equal(nbt.dtype, 'I64');
  assert.deepEqual(nbt.shape, []);
  assert.equal((nbt.data as BigInt64Array)[0], 7n); // the fixture script fills num_batches_tracked with 7
  assert.deepEqual(tensors.get('fc.weight')!.shape, [1, 32]);
  const io = readSafetensorsFile(path.join(fixtures, 'models/resnet_w4_small.io.safetensors')).tensors;
  assert.deepEqual(io.get('input')!.shape, [2, 5, 16, 16]);
});

test('writes atomically and reads the header alone', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lf-st-'));
  const file = path.join(dir, 'w.safetensors');
  writeSafetensorsFile(
    file,
    { a: { dtype: 'F32', shape: [2], data: new Float32Array([1.5, -2]) } },
    { epoch: '3' },
  );
  const h = readSafetensorsHeader(file);
  assert.deepEqual(h.metadata, { epoch: '3' });
  assert.deepEqual(h.tensors.get('a'), { dtype: 'F32', shape: [2], data_offsets: [0, 8] });
  assert.deepEqual([...readSafetensorsFile(file).tensors.get('a')!.data], [1.5, -2]);
});

test('truncated or corrupt files raise a DataError naming the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lf-st-'));
  const good = readFileSync(dtypesFile);
  const cases: [string, Uint8Array, RegExp][] = [
    ['short.safetensors', good.subarray(0, 5), /fewer than the 8-byte header length/],
    ['header-cut.safetensors', good.subarray(0, 100), /header length \d+ runs past the end/],
    ['data-cut.safetensors', good.subarray(0, good.length - 3), /ends at byte|cover/],
    [
      'trailing.safetensors',
      Buffer.concat([good, Buffer.from([0, 0, 0, 0])]),
      /data region has \d+ bytes but the tensors cover/,
    ],
  ];
  const notJson = Buffer.from(good);
  notJson[8] = 0x78; // 'x' instead of '{'
  cases.push(['not-json.safetensors', notJson, /header is not JSON/]);
  const badDtype = Buffer.from(good.toString('latin1').replace('"dtype":"F64"', '"dtype":"X64"'), 'latin1');
  cases.push(['bad-dtype.safetensors', badDtype, /tensor "double" has dtype "X64"/]);
  const badShape = Buffer.from(good.toString('latin1').replace('"shape":[2,3]', '"shape":[2,4]'), 'latin1');
  cases.push([
    'bad-shape.safetensors',
    badShape,
    /tensor "conv.weight" of shape \[2, 4\] F32 needs 32 bytes/,
  ]);
  for (const [name, bytes, why] of cases) {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    for (const read of [readSafetensorsFile, readSafetensorsHeader]) {
      if (read === readSafetensorsHeader && name === 'trailing.safetensors') continue;
      assert.throws(
        () => read(file),
        (err: unknown) => err instanceof DataError && err.message.includes(file) && why.test(err.message),
        `${name} via ${read.name}`,
      );
    }
  }
  assert.throws(
    () => readSafetensorsFile(path.join(dir, 'missing.safetensors')),
    /missing\.safetensors: cannot read/,
  );
});

test('encode rejects data whose size disagrees with the shape', () => {
  assert.throws(
    () => encodeSafetensors({ w: { dtype: 'F32', shape: [3], data: new Float32Array(2) } }),
    /tensor "w" of shape \[3\] F32 needs 12 bytes, data has 8/,
  );
});

test('Tensor level: save/load round trip of every engine dtype, non-contiguous tensors and metadata', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lf-st-'));
  const file = path.join(dir, 't.safetensors');
  const t = {
    f32: tensor([1.5, -2.25, 3], { dtype: 'float32' }),
    f64: tensor([0.1, 1e-300], { dtype: 'float64' }),
    i64: tensor([-(2 ** 40), 7], { dtype: 'int64' }),
    i32: tensor([[1, -2]], { dtype: 'int32' }),
    u8: tensor([0, 255], { dtype: 'uint8' }),
    bool: tensor([true, false, true]),
    transposed: arange(0, 6).reshape(2, 3).transpose(0, 1), // [3, 2], not contiguous
    scalar: tensor(2.5),
  };
  saveSafetensors(file, t, { epoch: '4' });
  const { tensors, metadata } = loadSafetensorsWithMetadata(file);
  assert.deepEqual(metadata, { epoch: '4' });
  assert.deepEqual([...tensors.keys()], Object.keys(t));
  for (const [k, v] of Object.entries(t)) {
    const got = tensors.get(k)!;
    assert.equal(got.dtype, v.dtype, k);
    assert.deepEqual(got.shape, v.shape, k);
    assert.deepEqual(got.toArray(), v.toArray(), k);
  }
  assert.deepEqual(tensors.get('transposed')!.toArray(), [0, 3, 1, 4, 2, 5]);
  assert.deepEqual(tensors.get('scalar')!.shape, []);
  // F16 and BF16 entries of the numpy fixture load as float32 with their exact values
  const fx = loadSafetensors(dtypesFile);
  for (const k of ['half', 'bf16']) {
    assert.equal(fx.get(k)!.dtype, 'float32');
    assert.deepEqual(fx.get(k)!.toArray(), expected.tensors[k].values, k);
  }
  assert.equal(fx.get('mask')!.dtype, 'bool');
  assert.deepEqual(fx.get('empty')!.shape, [0, 4]);
});

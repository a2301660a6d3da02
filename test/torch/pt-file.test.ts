// PyTorch .pt state dicts (scripts/fixtures/torch_pt.py, written by Debian's python3-torch): values, dtypes, strided
// views and storage offsets read without running the pickle; anything but tensors refused in one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePt, loadPt } from '../../src/torch/pt-file.js';
import { readTorchPickle } from '../../src/torch/pt-pickle.js';
import { DataError } from '../../src/errors.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/torch');
const expected = JSON.parse(readFileSync(path.join(dir, 'pt_dtypes.json'), 'utf8')) as Record<
  string,
  { dtype: string; shape: number[]; values: number[] }
>;

test('every tensor of a torch.save state dict: dtype, shape and values as PyTorch has them', () => {
  const file = path.join(dir, 'pt_dtypes.pt');
  const raw = decodePt(readFileSync(file), file);
  assert.deepEqual([...raw.keys()], Object.keys(expected));
  const dtypes = Object.fromEntries([...raw].map(([k, e]) => [k, e.dtype]));
  assert.deepEqual(dtypes, {
    f32: 'F32',
    f64: 'F64',
    i64: 'I64',
    f16: 'F16',
    transposed: 'F32',
    offset_slice: 'F32',
    scalar: 'F32',
    param: 'F32',
  });
  const tensors = loadPt(file);
  for (const [name, want] of Object.entries(expected)) {
    const t = tensors.get(name)!;
    assert.deepEqual(t.shape, want.shape, name);
    // float32 and float16 values are exact in float64, so equality holds bit for bit.
    const got = Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);
    assert.deepEqual(got, want.values, name);
  }
});

test('a transposed view and a slice at a storage offset read from one shared storage', () => {
  const file = path.join(dir, 'pt_dtypes.pt');
  const raw = decodePt(readFileSync(file), file);
  // base is 4x6; transposed = base.t() (strides 1, 6); offset_slice = base[1:3, 2:5] (offset 8).
  const t = raw.get('transposed')!.data as Float32Array;
  const s = raw.get('offset_slice')!.data as Float32Array;
  const base = (i: number, j: number) => t[j * 4 + i];
  assert.deepEqual(Array.from(s), [base(1, 2), base(1, 3), base(1, 4), base(2, 2), base(2, 3), base(2, 4)]);
});

test('a pickle that would call os.system is refused before anything runs, with how to convert', () => {
  const file = path.join(dir, 'pt_evil.pt');
  assert.throws(
    () => decodePt(readFileSync(file), file),
    (err: Error) =>
      err instanceof DataError &&
      /pt_evil\.pt: only tensors are read and no code is run, but it refers to (posix|os)\.system/.test(
        err.message,
      ) &&
      /safetensors\.torch import save_file/.test(err.message) &&
      !err.message.includes('\n'),
  );
});

test('the legacy (pre-1.6) format and a truncated file get one-line errors', () => {
  const legacy = path.join(dir, 'pt_legacy.pt');
  assert.throws(
    () => decodePt(readFileSync(legacy), legacy),
    /pt_legacy\.pt: this is the legacy torch\.save format/,
  );
  const whole = readFileSync(path.join(dir, 'pt_dtypes.pt'));
  assert.throws(() => decodePt(whole.subarray(0, whole.length - 40), 'cut.pt'), /cut\.pt: .*zip/);
});

test('the pickle reader refuses unknown opcodes and globals, and reads ints of every width', () => {
  // PROTO 2, BININT1 7, BININT2 300, BININT -5, LONG1 2**40, TUPLE3 of the last three... STOP
  const ints = Uint8Array.from([
    0x80, 2, 0x28, 0x4b, 7, 0x4d, 0x2c, 0x01, 0x4a, 0xfb, 0xff, 0xff, 0xff, 0x8a, 6, 0, 0, 0, 0, 0, 1, 0x74,
    0x2e,
  ]);
  assert.deepEqual(readTorchPickle(ints), [7, 300, -5, 2 ** 40]);
  const builtins = Buffer.from('\x80\x02cbuiltins\neval\n.', 'latin1');
  assert.throws(() => readTorchPickle(builtins), /refers to builtins\.eval/);
  assert.throws(() => readTorchPickle(Uint8Array.from([0x80, 2, 0x69])), /opcode 0x69/);
});

// What .npy and safetensors share: the element type of a typed array and IEEE half precision (values from the
// IEEE 754 binary16 table: 0x3c00 = 1, 0x7bff = 65504 the largest, 0x0001 = 2^-24 the smallest subnormal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { halfToNumber, typedArrayElement } from '../../src/io/typed-array.js';
import { decodeNpy, encodeNpy } from '../../src/io/npy.js';
import { safetensorsDtypeOf } from '../../src/torch/serialization.js';

test('halfToNumber: normal, subnormal, signed zero, infinities and NaN', () => {
  assert.equal(halfToNumber(0x3c00), 1);
  assert.equal(halfToNumber(0xc000), -2);
  assert.equal(halfToNumber(0x3555), 0.333251953125);
  assert.equal(halfToNumber(0x7bff), 65504);
  assert.equal(halfToNumber(0x0400), 2 ** -14);
  assert.equal(halfToNumber(0x0001), 2 ** -24);
  assert.equal(halfToNumber(0x03ff), 1023 * 2 ** -24);
  assert.ok(Object.is(halfToNumber(0x8000), -0));
  assert.equal(halfToNumber(0x7c00), Infinity);
  assert.equal(halfToNumber(0xfc00), -Infinity);
  assert.ok(Number.isNaN(halfToNumber(0x7e00)));
});

const ARRAYS = [
  [new Float32Array(1), 'float32', '<f4', 'F32'],
  [new Float64Array(1), 'float64', '<f8', 'F64'],
  [new BigInt64Array(1), 'int64', '<i8', 'I64'],
  [new Int32Array(1), 'int32', '<i4', 'I32'],
  [new Int16Array(1), 'int16', '<i2', 'I16'],
  [new Int8Array(1), 'int8', '|i1', 'I8'],
  [new Uint16Array(1), 'uint16', '<u2', 'F16'],
  [new Uint8Array(1), 'uint8', '|u1', 'U8'],
] as const;

test('typedArrayElement names each typed array; .npy writes that dtype, safetensors its own name', () => {
  for (const [data, element, descr, st] of ARRAYS) {
    assert.equal(typedArrayElement(data), element);
    const bytes = encodeNpy(data, [1]);
    assert.match(Buffer.from(bytes.subarray(10, 60)).toString('latin1'), new RegExp(`'descr': '${descr}'`));
    assert.equal(decodeNpy(bytes).dtype, element);
    assert.equal(safetensorsDtypeOf(data), st);
  }
  assert.equal(typedArrayElement(new Uint32Array(1)), 'uint32');
  assert.equal(typedArrayElement(new BigUint64Array(1)), 'uint64');
});

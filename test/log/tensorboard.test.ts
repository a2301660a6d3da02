import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32c, SummaryWriter, tfrecord } from '../../src/log/tensorboard.js';

const reference = readFileSync(path.join(import.meta.dirname, '../fixtures/log/reference.tfevents'));

/** Splits a TFRecord stream into its records (whole, framing included). */
function records(b: Uint8Array): Buffer[] {
  const buf = Buffer.from(b);
  const out: Buffer[] = [];
  for (let at = 0; at < buf.length;) {
    const len = Number(buf.readBigUInt64LE(at)) + 16;
    out.push(buf.subarray(at, at + len));
    at += len;
  }
  return out;
}

test('CRC-32C matches the RFC 3720 check value', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
});

test('scalar events are byte-identical to protobuf-serialised reference events', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-tb-'));
  const w = new SummaryWriter(dir);
  w.addScalar('train/loss', 0.6931, 3, 1700000001.25);
  w.addScalar('val/auc', 0.987, 12345678901, 1700000002.0);
  const ours = records(readFileSync(w.file));
  const ref = records(reference);
  assert.equal(ours.length, 3);
  // The first record is the file_version event, stamped with the current time: same length, different time.
  assert.equal(ours[0].length, ref[0].length);
  assert.deepEqual(ours[1], ref[1]);
  assert.deepEqual(ours[2], ref[2]);
});

test('image events are byte-identical to the reference', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-tb-'));
  const w = new SummaryWriter(dir);
  w.addImage(
    'batch',
    Uint8Array.from({ length: 20 }, (_, i) => i),
    2,
    3,
    7,
    3,
    1700000003.0,
  );
  assert.deepEqual(records(readFileSync(w.file))[1], records(reference)[3]);
});

test('TFRecord framing of a payload reproduces the reference record', () => {
  const ref = records(reference);
  assert.deepEqual(Buffer.from(tfrecord(ref[3].subarray(12, ref[3].length - 4))), ref[3]);
});

test('a writer that logs nothing leaves no event file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-tb-'));
  const w = new SummaryWriter(path.join(dir, 'run'));
  assert.equal(w.written, false);
  assert.equal(existsSync(path.join(dir, 'run')), false);
  w.addScalar('train/loss', 1, 1);
  assert.equal(w.written, true);
  assert.equal(records(readFileSync(w.file)).length, 2);
});

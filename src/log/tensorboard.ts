import { appendFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { makeDirs } from '../io/mkdirs.js';

/**
 * Writes TensorBoard event files by hand (no TensorFlow): TFRecord framing of `tensorflow.Event` protobufs.
 *
 * A record is `uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)`, little-endian,
 * with masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8. Event fields: wall_time (1, double), step (2, int64),
 * file_version (3, string), summary (5): Summary { repeated Value value = 1 }, Value { tag = 1, simple_value = 2
 * (float), image = 4 }, Image { height = 1, width = 2, colorspace = 3, encoded_image_string = 4 (PNG bytes) }.
 */

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the checksum TFRecord uses. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC32C_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** Minimal protobuf encoder: just the wire types an Event needs. */
class ProtoWriter {
  private parts: number[] = [];
  private varint(v: bigint | number): void {
    let n = BigInt.asUintN(64, BigInt(v));
    while (n >= 0x80n) {
      this.parts.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.parts.push(Number(n));
  }
  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  int(field: number, v: number | bigint): this {
    this.tag(field, 0);
    this.varint(v);
    return this;
  }
  double(field: number, v: number): this {
    this.tag(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.parts.push(...b);
    return this;
  }
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.parts.push(...b);
    return this;
  }
  bytes(field: number, v: Uint8Array | string): this {
    const b = typeof v === 'string' ? new TextEncoder().encode(v) : v;
    this.tag(field, 2);
    this.varint(b.length);
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]);
    return this;
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function event(step: number, wallTime: number, fill: (w: ProtoWriter) => void): Uint8Array {
  // proto3 leaves out fields at their default value (step 0), as TensorFlow's own writer does.
  const w = new ProtoWriter().double(1, wallTime);
  if (step !== 0) w.int(2, step);
  fill(w);
  return w.finish();
}

export function tfrecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** Appends scalars and images to `<dir>/events.out.tfevents.<time>.<host>.<pid>`, readable by TensorBoard. */
export class SummaryWriter {
  readonly file: string;
  private readonly created: number;
  private opened = false;

  /** Names the event file in `dir`; the file is written with the first event, so a writer that logs nothing leaves none. */
  constructor(private readonly dir: string) {
    this.created = Date.now() / 1000;
    this.file = path.join(
      dir,
      `events.out.tfevents.${Math.floor(this.created)}.${hostname()}.${process.pid}`,
    );
  }

  /** Whether the event file exists (something was logged). */
  get written(): boolean {
    return this.opened;
  }

  private write(data: Uint8Array): void {
    if (!this.opened) {
      makeDirs(this.dir);
      appendFileSync(this.file, tfrecord(event(0, this.created, (w) => w.bytes(3, 'brain.Event:2'))));
      this.opened = true;
    }
    appendFileSync(this.file, tfrecord(data));
  }

  addScalar(tag: string, value: number, step: number, wallTime = Date.now() / 1000): void {
    const val = new ProtoWriter().bytes(1, tag).float(2, value).finish();
    const summary = new ProtoWriter().bytes(1, val).finish();
    this.write(event(step, wallTime, (w) => w.bytes(5, summary)));
  }

  addScalars(values: Record<string, number>, step: number): void {
    for (const [tag, v] of Object.entries(values)) if (Number.isFinite(v)) this.addScalar(tag, v, step);
  }

  /** `png` is an encoded PNG; `channels` 1 (grey), 3 (RGB) or 4 (RGBA). */
  addImage(
    tag: string,
    png: Uint8Array,
    height: number,
    width: number,
    step: number,
    channels = 3,
    wallTime = Date.now() / 1000,
  ): void {
    const image = new ProtoWriter().int(1, height).int(2, width).int(3, channels).bytes(4, png).finish();
    const val = new ProtoWriter().bytes(1, tag).bytes(4, image).finish();
    const summary = new ProtoWriter().bytes(1, val).finish();
    this.write(event(step, wallTime, (w) => w.bytes(5, summary)));
  }
}

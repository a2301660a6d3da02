// PyTorch's `.pt`/`.pth` files as torch.save writes them since 1.6: a zip holding `<name>/data.pkl` (the pickled
// object) and `<name>/data/<key>` (each storage's raw little-endian bytes). Only tensors are read (pt-pickle.ts);
// nothing in the file is executed.
import { DataError } from '../errors.js';
import { readRegularFile } from '../io/read-fd.js';
import { listZipEntries, zipEntryBytes } from '../io/zip.js';
import { readTorchPickle, PickleRefused, type PickleTensor } from './pt-pickle.js';
import { DTYPE_ARRAY, entryToTensor, type SafetensorsDtype, type SafetensorsEntry } from './serialization.js';
import type { Tensor } from './tensor.js';

/** How to make a safetensors file instead, for every refusal. */
export const PT_CONVERT_HINT =
  "convert it in Python: from safetensors.torch import save_file; save_file(torch.load(path, weights_only=True), 'weights.safetensors')";

const STORAGE_DTYPE: Record<string, SafetensorsDtype> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/** True for the first bytes of a torch.save file (a zip) or of its legacy form (a bare pickle). */
export function looksLikePt(head: Uint8Array): boolean {
  return (head[0] === 0x50 && head[1] === 0x4b) || (head[0] === 0x80 && head[1] <= 5);
}

/**
 * Reads the tensors of a torch.save'd state dict (an OrderedDict of tensors, or a checkpoint dict holding one under
 * `state_dict` or `model`) as contiguous typed arrays, in the file's key order.
 */
export function decodePt(buf: Uint8Array, source: string): Map<string, SafetensorsEntry> {
  const fail = (why: string): never => {
    throw new DataError(`${source}: ${why}; ${PT_CONVERT_HINT}`, source);
  };
  if (buf[0] === 0x80) fail('this is the legacy torch.save format (PyTorch < 1.6), which is not read here');
  const entries = listZipEntries(buf, source);
  const pkl = entries.find((e) => e.name.endsWith('data.pkl') && e.name.split('/').length === 2);
  if (!pkl) return fail('a zip without <name>/data.pkl, so not a torch.save file');
  const prefix = pkl.name.slice(0, -'data.pkl'.length);
  let root: unknown;
  try {
    root = readTorchPickle(zipEntryBytes(buf, pkl, source));
  } catch (err) {
    if (err instanceof PickleRefused) fail(`only tensors are read and no code is run, but ${err.message}`);
    throw err;
  }
  const dict = stateDictOf(root) ?? fail('the pickled object is not a state dict (a dict of tensors)');
  const storages = new Map<string, Uint8Array>();
  const storageBytes = (key: string): Uint8Array => {
    let b = storages.get(key);
    if (!b) {
      const entry = entries.find((e) => e.name === `${prefix}data/${key}`);
      if (!entry) return fail(`storage data/${key} is missing from the archive`);
      b = zipEntryBytes(buf, entry, source);
      storages.set(key, b);
    }
    return b;
  };
  const out = new Map<string, SafetensorsEntry>();
  for (const [name, t] of dict) {
    const dtype =
      STORAGE_DTYPE[t.storage.type] ?? fail(`tensor ${name} has an unsupported storage ${t.storage.type}`);
    try {
      out.set(name, { dtype, shape: t.shape, data: gather(t, dtype, storageBytes(t.storage.key)) });
    } catch (err) {
      if (err instanceof RangeError) fail(`tensor ${name}: ${err.message}`);
      throw err;
    }
  }
  return out;
}

/** The tensors of a state dict, or of a checkpoint's `state_dict`/`model` entry; undefined for anything else. */
function stateDictOf(v: unknown): Map<string, PickleTensor> | undefined {
  if (!(v instanceof Map)) return undefined;
  const isTensor = (x: unknown) => (x as PickleTensor | null)?.kind === 'tensor';
  if (v.size > 0 && [...v.values()].every(isTensor)) return v as Map<string, PickleTensor>;
  for (const key of ['state_dict', 'model']) {
    const inner = stateDictOf(v.get(key));
    if (inner) return inner;
  }
  return undefined;
}

/** The tensor's elements in C order, read through its strides and storage offset (views share storages). */
function gather(t: PickleTensor, dtype: SafetensorsDtype, bytes: Uint8Array): SafetensorsEntry['data'] {
  const Ctor = DTYPE_ARRAY[dtype];
  const storage = new Ctor(new Uint8Array(bytes).buffer, 0, bytes.length / Ctor.BYTES_PER_ELEMENT);
  const n = t.shape.reduce((a, b) => a * b, 1);
  const out = new Ctor(n);
  const idx = new Array<number>(t.shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let at = t.offset;
    for (let d = 0; d < idx.length; d++) at += idx[d] * t.stride[d];
    if (at < 0 || at >= storage.length) {
      throw new RangeError(`element ${i} lies at ${at}, outside its storage of ${storage.length}`);
    }
    out[i] = storage[at] as never;
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < t.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Reads a `.pt`/`.pth` state dict into CPU tensors (float16/bfloat16 as float32, as loadSafetensors does). */
export function loadPt(file: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, e] of decodePt(readRegularFile(file), file)) out.set(name, entryToTensor(e));
  return out;
}

// A restricted reader of the pickles inside PyTorch's `.pt`/`.pth` files (torch.save's `data.pkl`, protocol 2).
// It executes nothing: GLOBAL may name only the few callables a state dict uses (an allow-list), REDUCE applies
// them as plain data constructors, and anything else is refused. Opcodes: pickletools' names.

/** A tensor's storage as named by a persistent id ('storage', torch.FloatStorage, key, location, numel). */
export interface PickleStorage {
  kind: 'storage';
  /** torch's storage class name: FloatStorage, DoubleStorage, LongStorage, HalfStorage, ... */
  type: string;
  /** The zip entry under data/ that holds the bytes. */
  key: string;
  numel: number;
}

/** A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view of a storage. */
export interface PickleTensor {
  kind: 'tensor';
  storage: PickleStorage;
  offset: number;
  shape: number[];
  stride: number[];
}

type Value =
  null | boolean | number | string | Uint8Array | Value[] | Map<string, Value> | PickleGlobal | object;

interface PickleGlobal {
  kind: 'global';
  name: string;
}

/** The callables a state dict needs; anything else in GLOBAL is refused before it could run. */
const ALLOWED_GLOBALS = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  ...['Float', 'Double', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool'].map(
    (t) => `torch.${t}Storage`,
  ),
]);

const MARK = Symbol('mark');

/** Thrown for anything outside what a tensors-only state dict contains; the caller adds the file name. */
export class PickleRefused extends Error {}

/**
 * Decodes a torch.save pickle into plain values: dicts become Maps, tuples and lists arrays, tensors
 * PickleTensor records. Throws PickleRefused for a GLOBAL outside the allow-list or an unsupported opcode.
 */
export function readTorchPickle(buf: Uint8Array): Value {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const stack: (Value | typeof MARK)[] = [];
  const memo = new Map<number, Value>();
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > buf.length) throw new PickleRefused(`truncated pickle at byte ${pos}`);
  };
  const u8 = () => (need(1), buf[pos++]);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const bytes = (n: number) => (need(n), (pos += n), buf.subarray(pos - n, pos));
  const text = (n: number) => Buffer.from(bytes(n)).toString('utf8');
  const line = () => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0) throw new PickleRefused(`truncated pickle at byte ${pos}`);
    const s = Buffer.from(buf.subarray(pos, end)).toString('latin1');
    pos = end + 1;
    return s;
  };
  const pop = (): Value => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw new PickleRefused(`stack underflow at byte ${pos}`);
    return v;
  };
  const popMark = (): Value[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw new PickleRefused(`no MARK before byte ${pos}`);
    const items = stack.splice(at) as Value[];
    return items.slice(1);
  };
  const top = (): Value => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw new PickleRefused(`empty stack at byte ${pos}`);
    return v;
  };
  const setItems = (dict: Value, items: Value[]) => {
    if (!(dict instanceof Map)) throw new PickleRefused(`SETITEM on a non-dict at byte ${pos}`);
    for (let i = 0; i + 1 < items.length; i += 2) dict.set(String(items[i]), items[i + 1]);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME (protocol 4)
        bytes(8);
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
      case 0x89: // NEWFALSE
        stack.push(op === 0x88);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        need(4);
        pos += 4;
        stack.push(view.getInt32(pos - 4, true));
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement of n bytes
        const b = bytes(u8());
        let v = 0n;
        for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (b.length > 0 && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
        stack.push(Number(v));
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        pos += 8;
        stack.push(view.getFloat64(pos - 8, false));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x54: // BINSTRING
      case 0x42: // BINBYTES
        stack.push(op === 0x54 ? Buffer.from(bytes(u32())).toString('latin1') : bytes(u32()).slice());
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(Buffer.from(bytes(u8())).toString('latin1'));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(bytes(u8()).slice());
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k)) throw new PickleRefused(`memo ${k} read before it was written`);
        stack.push(memo.get(k)!);
        break;
      }
      case 0x63: {
        // GLOBAL 'module\nname\n'
        const name = `${line()}.${line()}`;
        if (!ALLOWED_GLOBALS.has(name)) throw new PickleRefused(`it refers to ${name}`);
        stack.push({ kind: 'global', name } satisfies PickleGlobal);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(persistentStorage(pop()));
        break;
      case 0x52: {
        // REDUCE: one of the allowed constructors applied to its argument tuple
        const args = pop();
        const fn = pop();
        stack.push(reduce(fn, args));
        break;
      }
      case 0x62: // BUILD: state set on an object (an OrderedDict's _metadata): not needed for tensors
        pop();
        break;
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) throw new PickleRefused(`APPEND to a non-list at byte ${pos}`);
        list.push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) throw new PickleRefused(`APPENDS to a non-list at byte ${pos}`);
        list.push(...items);
        break;
      }
      default:
        throw new PickleRefused(`pickle opcode 0x${op.toString(16)} at byte ${pos - 1} is not supported`);
    }
  }
}

function persistentStorage(pid: Value): PickleStorage {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
    throw new PickleRefused(`a persistent id that is not a tensor storage: ${JSON.stringify(pid)}`);
  }
  const cls = pid[1] as PickleGlobal;
  return {
    kind: 'storage',
    type: cls.name.replace(/^torch\./, ''),
    key: String(pid[2]),
    numel: Number(pid[4]),
  };
}

const isGlobal = (v: Value, name: string) =>
  (v as PickleGlobal | null)?.kind === 'global' && (v as PickleGlobal).name === name;
const intList = (v: Value, what: string): number[] => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number'))
    throw new PickleRefused(`${what} is not a tuple of integers`);
  return v as number[];
};

function reduce(fn: Value, args: Value): Value {
  if (!Array.isArray(args)) throw new PickleRefused('REDUCE without an argument tuple');
  if (isGlobal(fn, 'collections.OrderedDict')) return new Map<string, Value>();
  if (isGlobal(fn, 'torch._utils._rebuild_tensor_v2')) {
    const [storage, offset, shape, stride] = args;
    if ((storage as PickleStorage | null)?.kind !== 'storage')
      throw new PickleRefused('a tensor without a storage');
    return {
      kind: 'tensor',
      storage: storage as PickleStorage,
      offset: Number(offset),
      shape: intList(shape, 'a tensor size'),
      stride: intList(stride, 'a tensor stride'),
    } satisfies PickleTensor;
  }
  // _rebuild_parameter(tensor, requires_grad, backward_hooks): the tensor is what a state dict needs.
  if (isGlobal(fn, 'torch._utils._rebuild_parameter')) return args[0];
  throw new PickleRefused(`it calls ${(fn as PickleGlobal | null)?.name ?? 'a non-callable'}`);
}

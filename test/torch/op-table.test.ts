// The op table (src/torch/op-table.ts) is the one list of the addon's ops: it agrees with the C++ macro lines
// and with what the built addon exports, and every libtorch failure is a TorchError whoever called the op.
// The simple ops' C++ lines and Tensor methods are generated from src/torch/op-list.ts (scripts/gen-ops.ts).
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { checkOpTable, cppOps } from '../../scripts/check-ops.js';
import { COMMAND, cppSource, methodSource, parseParams, staleFiles } from '../../scripts/gen-ops.js';
import { LensfindError, TorchError } from '../../src/errors.js';
import { OPS } from '../../src/torch/op-table.js';
import { ELEMENTWISE, METHODS, SHAPES } from '../../src/torch/op-list.js';
import { Tensor } from '../../src/torch/tensor.js';
import { ones, tensor, zeros } from '../../src/torch/creation.js';
import { cat } from '../../src/torch/ops.js';
import * as F from '../../src/torch/functional.js';

test('every op registered in native/src is in the table with the same number of arguments, and nothing else', () => {
  assert.deepEqual(checkOpTable(), []);
  assert.equal(cppOps().length, Object.keys(OPS).length);
});

test('the check reports a missing op, a wrong arity and a table entry with no C++', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-ops-'));
  try {
    writeFileSync(
      path.join(dir, 'a.cc'),
      [
        '#define LF_UNARY(name, EXPR) LF_EXPORT(name) { auto& a = lf::unwrap(info[0]); }',
        'LF_EXPORT(add) { return f(info[0], info[1], info[2], info[3]); }',
        'LF_UNARY(bogus, at::neg(a))',
      ].join('\n'),
    );
    const ops = cppOps(dir);
    assert.deepEqual(ops, [
      { name: 'add', file: 'a.cc', arity: 4 },
      { name: 'bogus', file: 'a.cc', arity: 1 },
    ]);
    const problems = checkOpTable(ops);
    assert.ok(problems.includes('add: the table declares 3 argument(s), native/src/a.cc reads 4'));
    assert.ok(problems.includes('bogus (native/src/a.cc) is missing from src/torch/op-table.ts'));
    assert.ok(problems.includes('mul is in src/torch/op-table.ts but no native/src/*.cc registers it'));
    assert.equal(problems.length, 2 + Object.keys(OPS).length - 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const here = path.dirname(fileURLToPath(import.meta.url));
function builtAddon(): Record<string, unknown> {
  const file = path.resolve(here, '../../native/build/Release/lensfind_torch.node');
  return createRequire(import.meta.url)(file) as Record<string, unknown>;
}

test('the built addon exports exactly the ops of the table (and the libtorch version)', () => {
  const raw = builtAddon();
  const exported = Object.keys(raw).filter((k) => typeof raw[k] === 'function');
  assert.deepEqual(exported.sort(), Object.keys(OPS).sort());
  assert.equal(typeof raw.libtorchVersion, 'string');
});

test('a libtorch failure is a TorchError (E_TORCH) from a Tensor method, a free function and F.* alike', () => {
  const isTorchError = (op: string, detail: RegExp) => (e: unknown) =>
    e instanceof TorchError &&
    e instanceof LensfindError &&
    e.code === 'E_TORCH' &&
    e.op === op &&
    detail.test(e.detail) &&
    e.message.startsWith(`${op}`);
  assert.throws(() => zeros([2, 3]).matmul(zeros([4, 5])), isTorchError('matmul', /2x3.*4x5/));
  assert.throws(
    () => ones([2]).view(5),
    isTorchError('view', /shape '\[5\]' is invalid for input of size 2/),
  );
  assert.throws(
    () => cat([ones([2, 3]), ones([2, 4])], 0),
    isTorchError('cat', /Sizes of tensors must match/),
  );
  assert.throws(
    () => F.conv2d(ones([1, 3, 5, 5]), ones([4, 4, 3, 3])),
    (e: unknown) => isTorchError('F.conv2d', /channels/)(e) && /\[1, 3, 5, 5\]/.test((e as Error).message),
  );
  // a value that never reached libtorch keeps its own code
  const t = tensor([1, 2]);
  t.dispose();
  assert.throws(
    () => t.add(1),
    (e: unknown) => e instanceof LensfindError && e.code === 'E_DISPOSED',
  );
});

test('the generated C++ and Tensor methods are what scripts/gen-ops.ts writes from op-list.ts now', async () => {
  const stale = await staleFiles();
  assert.deepEqual(stale, [], `stale generated file(s) ${stale.join(', ')}: run ${COMMAND}`);
});

test('every op of op-list.ts is in the built addon and the table, and is a Tensor method', () => {
  const raw = builtAddon();
  const table = OPS as Record<string, { args: readonly string[]; returns: string }>;
  const listed = [...Object.keys(ELEMENTWISE), ...Object.keys(METHODS)];
  // ELEMENTWISE is exactly what elementwise.generated.cc registers; METHODS names other ops
  const generated = cppOps().filter((o) => o.file === 'elementwise.generated.cc');
  assert.deepEqual(
    generated.map((o) => o.name),
    Object.keys(ELEMENTWISE),
  );
  assert.equal(new Set(listed).size, listed.length);
  for (const name of listed) {
    assert.equal(typeof raw[name], 'function', `${name} is not exported by the built addon`);
    assert.ok(table[name], `${name} is not in the op table`);
    assert.equal(typeof (Tensor.prototype as unknown as Record<string, unknown>)[name], 'function', name);
  }
  // an ELEMENTWISE op's table entry is its shape's
  for (const [name, e] of Object.entries(ELEMENTWISE)) assert.deepEqual(table[name], SHAPES[e.shape], name);
  assert.deepEqual(table.add.args, ['tensor', 'operand', 'number?']);
  assert.equal(table.exp_.returns, 'void');
});

test('the generator writes a method from the op kinds and refuses a declaration that does not fit', () => {
  assert.deepEqual(parseParams('dim, start?, step = 1, src: Tensor | number'), [
    { name: 'dim', optional: false, type: undefined, init: undefined },
    { name: 'start', optional: true, type: undefined, init: undefined },
    { name: 'step', optional: false, type: undefined, init: '1' },
    { name: 'src', optional: false, type: 'Tensor | number', init: undefined },
  ]);
  assert.equal(
    methodSource('slice', { params: 'dim, start?, end?, step = 1', doc: 'A slice.' }),
    '/** A slice. */\nslice(dim: number, start?: number, end?: number, step = 1): Tensor {\n' +
      'return this.wrap(native().slice(this.handle, dim, start, end, step));\n}',
  );
  assert.equal(
    methodSource('add_', 'o, alpha?'),
    'add_(o: TensorOrScalar, alpha?: number): this {\nnative().add_(this.handle, operand(o), alpha);\nreturn this;\n}',
  );
  assert.equal(
    methodSource('sort', 'dim = -1, descending = false'),
    'sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } {\n' +
      'const [values, indices] = native().sort(this.handle, dim, descending);\n' +
      'return { values: this.wrap(values), indices: this.wrap(indices) };\n}',
  );
  assert.match(
    methodSource('sum', 'dim?, keepdim = false'),
    /sum\(dim\?: number \| readonly number\[\], keepdim = false\)/,
  );
  assert.match(
    methodSource('uniform_', 'low = 0, high = 1, generator?'),
    /generator\?: Generator.*generator\?\.handle/s,
  );
  assert.throws(() => methodSource('mul', 'o, extra'), /mul declares 2 parameter\(s\), the op takes 1/);
  assert.throws(() => methodSource('noSuchOp', ''), /noSuchOp is not an op of op-table.ts/);
  assert.throws(() => methodSource('cat', 'dim'), /cat's first argument is not a tensor/);
  assert.throws(
    () => methodSource('fGelu', 'approximate'),
    /no parameter type for the argument kind 'string'/,
  );
  assert.throws(() => parseParams('dim, 2x'), /cannot read the parameter '2x'/);
  assert.equal(
    cppSource({
      exp: { shape: 'unary', cpp: ['at::exp(a)'] },
      mul_: { shape: 'binary_', cpp: ['a.mul_(b)', 'a.mul_(s)'] },
    })
      .split('\n')
      .filter((l) => l.startsWith('LF_'))
      .join('\n'),
    'LF_UNARY(exp, at::exp(a))\nLF_BINARY_(mul_, a.mul_(b), a.mul_(s))',
  );
  assert.throws(
    () => cppSource({ mul: { shape: 'binary', cpp: ['at::mul(a, b)'] } }),
    /mul \(binary\) needs 2/,
  );
});

test('tensor.ts and tensor-methods.generated.ts load in either order', () => {
  const src = path.resolve(here, '../../src/torch');
  const first = ['tensor-methods.generated.ts', 'tensor.ts'];
  for (const order of [first, [...first].reverse()]) {
    const code =
      order.map((f, i) => `const m${i} = await import(${JSON.stringify(path.join(src, f))});`).join('\n') +
      `\nconst { Tensor } = await import(${JSON.stringify(path.join(src, 'tensor.ts'))});` +
      `\nconst { tensor } = await import(${JSON.stringify(path.join(src, 'creation.ts'))});` +
      `\nconsole.log(tensor([1, 9]).sqrt().add(1, 2).toArray().join(','), typeof Tensor.prototype.exp);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `${order.join(' then ')}: ${r.stderr}`);
    assert.equal(r.stdout.trim(), '3,5 function', order.join(' then '));
  }
});

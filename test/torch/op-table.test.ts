// The op table (src/torch/op-table.ts) is the one list of the addon's ops: it agrees with the C++ macro lines
// and with what the built addon exports, and every libtorch failure is a TorchError whoever called the op.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { checkOpTable, cppOps } from '../../scripts/check-ops.js';
import { LensfindError, TorchError } from '../../src/errors.js';
import { OPS } from '../../src/torch/op-table.js';
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

test('the built addon exports exactly the ops of the table (and the libtorch version)', () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const raw = createRequire(import.meta.url)(
    path.resolve(here, '../../native/build/Release/lensfind_torch.node'),
  ) as Record<string, unknown>;
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

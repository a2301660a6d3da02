import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dtypeOfTypedArray } from '../../src/torch/dtype.js';
import {
  arange,
  empty,
  eye,
  fromTypedArray,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  scalar,
  tensor,
  zeros,
  zerosLike,
} from '../../src/torch/creation.js';
import { cat, outer, powScalarBase, stack, tril, triu, where } from '../../src/torch/ops.js';
import { assertClose, fixture, load } from './core-fixture.js';

test('data round-trips through typed arrays for every dtype', () => {
  const f32 = tensor([
    [1.5, -2],
    [3, 4.25],
  ]);
  assert.deepEqual(f32.shape, [2, 2]);
  assert.equal(f32.dtype, 'float32');
  assert.deepEqual(f32.dataSync(), new Float32Array([1.5, -2, 3, 4.25]));
  assert.deepEqual(tensor([1, 2], { dtype: 'int64' }).toFloat32Array(), new Float32Array([1, 2]));
  const i64 = tensor([1, -2, 3], { dtype: 'int64' });
  assert.deepEqual(i64.dataSync(), new BigInt64Array([1n, -2n, 3n]));
  const b = tensor([true, false, true]);
  assert.equal(b.dtype, 'bool');
  assert.deepEqual(b.dataSync(), new Uint8Array([1, 0, 1]));
  const src = new Float64Array([1, 2, 3, 4, 5, 6]);
  const t = fromTypedArray(src, [2, 3]);
  assert.equal(t.dtype, 'float64');
  src[0] = 99; // the tensor holds a copy
  assert.deepEqual(t.toArray(), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(tensor(new Int32Array([7, 8])).dataSync(), new Int32Array([7, 8]));
  assert.deepEqual(
    tensor(new Uint8Array([1, 2, 3]), { dtype: 'float32' }).dataSync(),
    new Float32Array([1, 2, 3]),
  );
  assert.equal(tensor(3.5).item(), 3.5);
  assert.deepEqual(tensor(3.5).shape, []);
  assert.throws(() => tensor([[1, 2], [3]]), /ragged/);
  assert.throws(() => fromTypedArray(new Float32Array(5), [2, 3]), /5 .*bytes|bytes/);
  // each typed array libtorch has an exact type for, and none for the others
  const arrays = [
    new Float32Array(1),
    new Float64Array(1),
    new Int32Array(1),
    new BigInt64Array(1),
    new Uint8Array(1),
    new Int16Array(1),
    new Uint8ClampedArray(1),
    new Uint32Array(1),
  ];
  assert.deepEqual(arrays.map(dtypeOfTypedArray), [
    'float32',
    'float64',
    'int32',
    'int64',
    'uint8',
    undefined,
    undefined,
    undefined,
  ]);
});

test('creation ops give the documented values and dtypes', () => {
  assert.deepEqual(zeros([2, 3]).toArray(), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(ones(3, { dtype: 'int32' }).dataSync(), new Int32Array([1, 1, 1]));
  assert.deepEqual(full([2], 7.5).toArray(), [7.5, 7.5]);
  assert.equal(arange(5).dtype, 'int64');
  assert.deepEqual(arange(5).toArray(), [0, 1, 2, 3, 4]);
  assert.deepEqual(arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  assert.equal(arange(1, 2, 0.25).dtype, 'float32');
  assert.deepEqual(linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(eye(2).toArray(), [1, 0, 0, 1]);
  assert.deepEqual(zerosLike(tensor([[1, 2]], { dtype: 'float64' })).dtype, 'float64');
  assert.equal(tensor([1, 2]).to('float64').dtype, 'float64');
  assert.equal(tensor([1.7, -1.7]).long().toArray().join(), '1,-1');
  assert.equal(tensor([1, 2]).to({ device: 'cpu', dtype: 'int32' }).dtype, 'int32');
  assert.equal(tensor([1]).device, 'cpu');
  assert.deepEqual(scalar(2.5).shape, []);
  assert.deepEqual(fullLike(tensor([1, 2]), 3).toArray(), [3, 3]);
  assert.deepEqual(onesLike(tensor([1, 2]), { dtype: 'int32' }).dataSync(), new Int32Array([1, 1]));
  assert.deepEqual(empty([2, 2]).shape, [2, 2]);
  assert.deepEqual(eye(2, { cols: 3 }).toArray(), [1, 0, 0, 0, 1, 0]);
  assert.equal(zeros([2], { requiresGrad: true }).requiresGrad, true);
  assert.deepEqual(outer(tensor([1, 2]), tensor([3, 4])).toArray(), [3, 4, 6, 8]);
  assert.deepEqual(powScalarBase(2, tensor([0, 1, 3])).toArray(), [1, 2, 8]);
  assert.deepEqual(tril(ones([2, 2])).toArray(), [1, 0, 1, 1]);
  assert.deepEqual(triu(ones([2, 2]), 1).toArray(), [0, 1, 0, 0]);
});

test('broadcasting binary ops match torch', () => {
  const f = fixture('broadcast');
  const [a, b, c] = [load(f.a), load(f.b), load(f.c)];
  assertClose(a.add(b), f.add_ab, 1e-12, 'a+b');
  assertClose(a.mul(c), f.mul_ac, 1e-12, 'a*c');
  assertClose(a.div(b), f.div_ab, 1e-12, 'a/b');
  assertClose(c.sub(a, 2), f.sub_ca_alpha2, 1e-12, 'c-2a');
  assertClose(a.pow(2), f.pow_a2, 1e-12, 'a^2');
  assertClose(a.maximum(b), f.max_ab, 1e-12, 'max(a,b)');
});

test('scalar operands keep integer dtypes and promote like PyTorch', () => {
  const i = tensor([1, 2, 3], { dtype: 'int64' });
  assert.equal(i.add(2).dtype, 'int64');
  assert.deepEqual(i.add(2).toArray(), [3, 4, 5]);
  assert.equal(i.mul(0.5).dtype, 'float32');
  assert.deepEqual(i.div(2).toArray(), [0.5, 1, 1.5]);
  const x = tensor([1, 4, 9]);
  assert.deepEqual(x.sqrt().toArray(), [1, 2, 3]);
  assert.deepEqual(x.gt(3).toArray(), [0, 1, 1]);
  assert.equal(x.gt(3).dtype, 'bool');
  assert.deepEqual(x.eq(tensor([1, 0, 9])).toArray(), [1, 0, 1]);
  assert.deepEqual(x.clamp(2, 5).toArray(), [2, 4, 5]);
  assert.deepEqual(x.clamp(null, 5).toArray(), [1, 4, 5]);
  assert.deepEqual(tensor([0, 1]).logicalNot().toArray(), [1, 0]);
  assert.deepEqual(tensor([NaN, 1, Infinity]).isfinite().toArray(), [0, 1, 0]);
  // numbers in tensor-only ops promote like Python scalars
  const cond = tensor([true, false]);
  const ints = tensor([1, 2], { dtype: 'int64' });
  assert.equal(where(cond, ints, 0.5).dtype, 'float32');
  assert.deepEqual(where(cond, ints, 0.5).toArray(), [1, 0.5]);
  assert.equal(where(cond, ints, 7).dtype, 'int64');
  assert.equal(where(cond, tensor([1, 2], { dtype: 'float64' }), 0).dtype, 'float64');
  assert.deepEqual(ints.maximum(1.5).toArray(), [1.5, 2]);
  assert.deepEqual(where(cond, 1, 0).toArray(), [1, 0]);
});

test('in-place ops mutate and return this; other ops never mutate', () => {
  const x = tensor([1, 2, 3]);
  const y = x.add(1);
  assert.deepEqual(x.toArray(), [1, 2, 3]);
  assert.equal(x.add_(1), x);
  assert.deepEqual(x.toArray(), [2, 3, 4]);
  x.mul_(2).sub_(tensor([1, 1, 1]), 2);
  assert.deepEqual(x.toArray(), [2, 4, 6]);
  x.addcmul_(tensor([1, 1, 1]), tensor([1, 2, 3]), 0.5);
  assert.deepEqual(x.toArray(), [2.5, 5, 7.5]);
  x.addcdiv_(tensor([1, 1, 1]), tensor([2, 4, 8]), 2);
  assert.deepEqual(x.toArray(), [3.5, 5.5, 7.75]);
  x.copy_(y).div_(2);
  assert.deepEqual(x.toArray(), [1, 1.5, 2]);
  x.lerp_(tensor([3, 3.5, 4]), 0.5);
  assert.deepEqual(x.toArray(), [2, 2.5, 3]);
  x.fill_(4).sqrt_();
  assert.deepEqual(x.toArray(), [2, 2, 2]);
  x.zero_();
  assert.deepEqual(x.toArray(), [0, 0, 0]);
  assert.deepEqual(tensor([-3, 0.5, 9]).clamp_(0, 1).toArray(), [0, 0.5, 1]);
});

test('reductions match torch', () => {
  const f = fixture('reduce');
  const x = load(f.x);
  assertClose(x.var(), f.var_all, 1e-12, 'var');
  assertClose(x.var(1), f.var_d1, 1e-12, 'var(1)');
  assertClose(
    x.var(0, { unbiased: false, keepdim: true }),
    f.var_d0_biased_keep,
    1e-12,
    'var(0,biased,keep)',
  );
  assertClose(x.std(), f.std_all, 1e-12, 'std');
  assertClose(x.std(1), f.std_d1, 1e-12, 'std(1)');
  assertClose(x.logsumexp(1), f.logsumexp_d1, 1e-12, 'logsumexp(1)');
  assertClose(x.logsumexp([0, 1]), f.logsumexp_d01, 1e-12, 'logsumexp(0,1)');
  assertClose(x.cumsum(0), f.cumsum_d0, 1e-12, 'cumsum(0)');
  assertClose(x.cumsum(-1), f.cumsum_dm1, 1e-12, 'cumsum(-1)');
  assertClose(x.sum(1, true), f.sum_d1_keep, 1e-12, 'sum(1,keep)');
  assertClose(x.mean(0), f.mean_d0, 1e-12, 'mean(0)');
  assertClose(x.norm(), f.norm2, 1e-12, 'norm');
  assertClose(x.norm(1, 1), f.norm1_d1, 1e-12, 'norm(1, dim 1)');
  const m = x.max(1);
  assertClose(m.values, f.max_d1_values, 0, 'max values');
  assertClose(m.indices, f.max_d1_indices, 0, 'max indices');
  assertClose(x.argmin(0), f.argmin_d0, 0, 'argmin(0)');
  assertClose(x.prod(1), f.prod_d1, 1e-12, 'prod(1)');
  assert.equal(tensor([1, 5, 2]).max().item(), 5);
  assert.equal(
    tensor([
      [1, 5],
      [7, 2],
    ])
      .argmax()
      .item(),
    2,
  );
  assert.equal(tensor([true, false]).any().item(), 1);
  assert.equal(tensor([true, false]).all().item(), 0);
});

test('matmul, mm and bmm match torch', () => {
  const f = fixture('matmul');
  const [m1, m2, m3] = [load(f.m1), load(f.m2), load(f.m3)];
  assertClose(m1.matmul(m2), f.mm, 1e-12, 'mm');
  assertClose(m1.mm(m2), f.mm, 1e-12, 'mm');
  assertClose(m3.matmul(m2), f.batched, 1e-12, 'batched matmul');
  assertClose(m3.bmm(m3.transpose(1, 2)), f.bmm, 1e-12, 'bmm');
});

test('indexing and rearranging ops match torch', () => {
  const f = fixture('index');
  const g = load(f.g);
  const idx = load(f.idx, 'int64');
  assertClose(g.gather(1, idx), f.gather_d1, 0, 'gather');
  assertClose(g.indexSelect(0, tensor([2, 0], { dtype: 'int64' })), f.index_select_d0, 0, 'indexSelect');
  const z = load(f.z);
  assertClose(z.rot90(1, [1, 2]), f.rot90_k1, 0, 'rot90 k=1');
  assertClose(z.rot90(-1, [1, 2]), f.rot90_km1, 0, 'rot90 k=-1');
  assertClose(z.rot90(2), f.rot90_k2_d01, 0, 'rot90 k=2');
  assertClose(z.roll(1, 2), f.roll_1_d2, 0, 'roll');
  assertClose(z.roll([-1, 2], [1, 2]), f.roll_m1_2_d12, 0, 'roll 2 dims');
  assertClose(z.roll(5), f.roll_flat_5, 0, 'roll flat');
  assertClose(z.flip([0, 2]), f.flip_d02, 0, 'flip');
  assertClose(z.slice(2, 1, -1, 2), f.slice_d2_1_m1_2, 0, 'slice');
  assertClose(g.maskedFill(g.gt(0), -1.5), f.masked_fill, 0, 'maskedFill');
  assertClose(where(g.gt(0), g, 0), f.where, 0, 'where');
});

test('shape ops', () => {
  const x = arange(6).reshape(2, 3);
  assert.deepEqual(x.shape, [2, 3]);
  assert.deepEqual(x.reshape([3, -1]).shape, [3, 2]);
  assert.deepEqual(x.view(6).shape, [6]);
  assert.deepEqual(x.t().toArray(), [0, 3, 1, 4, 2, 5]);
  assert.deepEqual(x.permute(1, 0).toArray(), [0, 3, 1, 4, 2, 5]);
  assert.deepEqual(x.unsqueeze(0).shape, [1, 2, 3]);
  assert.deepEqual(x.unsqueeze(-1).squeeze(-1).shape, [2, 3]);
  assert.deepEqual(zeros([1, 2, 1]).squeeze().shape, [2]);
  assert.deepEqual(zeros([2, 3, 4]).flatten(1).shape, [2, 12]);
  assert.deepEqual(tensor([1, 2]).expand(3, 2).toArray(), [1, 2, 1, 2, 1, 2]);
  assert.deepEqual(tensor([1, 2]).repeat(2).toArray(), [1, 2, 1, 2]);
  assert.deepEqual(x.narrow(1, 1, 2).toArray(), [1, 2, 4, 5]);
  assert.deepEqual(x.select(0, 1).toArray(), [3, 4, 5]);
  assert.deepEqual(x.size(), [2, 3]);
  assert.equal(x.size(-1), 3);
  assert.equal(x.ndim, 2);
  assert.equal(x.numel(), 6);
  const parts = arange(7).split(3);
  assert.deepEqual(
    parts.map((p) => p.toArray()),
    [[0, 1, 2], [3, 4, 5], [6]],
  );
  assert.deepEqual(
    arange(6)
      .split([1, 5])
      .map((p) => p.numel()),
    [1, 5],
  );
  assert.deepEqual(
    arange(6)
      .chunk(3)
      .map((p) => p.toArray()),
    [
      [0, 1],
      [2, 3],
      [4, 5],
    ],
  );
  assert.deepEqual(cat([tensor([1]), tensor([2, 3])]).toArray(), [1, 2, 3]);
  assert.deepEqual(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(), [1, 3, 2, 4]);
  assert.deepEqual(stack([tensor([1, 2]), tensor([3, 4])]).shape, [2, 2]);
  assert.match(String(tensor([1, 2])), /shape=\[2\], dtype=float32/);
});

test('erfinv, nanToNum, equal and allclose', () => {
  const p = tensor([-0.5, 0, 0.5], { dtype: 'float64' });
  // erf(erfinv(p)) == p
  assert.ok(p.erfinv().erf().allclose(p, 1e-12, 1e-12));
  assert.deepEqual(p.clone().erfinv_().toArray(), p.erfinv().toArray());
  assert.deepEqual(tensor([NaN, 1, Infinity, -Infinity]).nanToNum(0, 9, -9).toArray(), [0, 1, 9, -9]);
  assert.equal(tensor([1, 2]).equal(tensor([1, 2])), true);
  assert.equal(tensor([1, 2]).equal(tensor([1, 2.5])), false);
  assert.equal(tensor([1, 2]).allclose(tensor([1, 2 + 1e-7])), true);
  assert.deepEqual(tensor([1, 4]).reciprocal_().toArray(), [1, 0.25]);
  assert.deepEqual(tensor([1.4, -1.6]).floor_().toArray(), [1, -2]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zeros } from '../../src/torch/creation.js';
import { Generator, bernoulli, manualSeed, rand, randint, randn, randperm } from '../../src/torch/random.js';
import { getBlasThreads, getNumThreads, setNumThreads } from '../../src/torch/threads.js';
import { assertClose, fixture } from './core-fixture.js';

test('generators give the same streams as torch.Generator', () => {
  const f = fixture('random');
  const g = new Generator(42);
  assertClose(randn([6], { generator: g }), f.randn_seed42, 1e-7, 'randn seed 42');
  assertClose(rand([4], { generator: g }), f.rand_after_randn_seed42, 1e-7, 'rand after');
  assertClose(randint(0, 10, [8], { generator: new Generator(7) }), f.randint_seed7, 0, 'randint seed 7');
  assertClose(randperm(10, { generator: new Generator(3) }), f.randperm_seed3, 0, 'randperm seed 3');
  manualSeed(5);
  assertClose(randn([3]), f.manual_seed_5_randn, 1e-7, 'manualSeed(5) randn');
});

test('same seed gives the same draws; getState/setState replays exactly', () => {
  const a = new Generator(123);
  const b = new Generator(123);
  assert.deepEqual(randn([10], { generator: a }).toArray(), randn([10], { generator: b }).toArray());
  const state = a.getState();
  const first = [randn([5], { generator: a }).toArray(), rand([3], { generator: a }).toArray()];
  const t = zeros([4]).normal_(1, 2, a);
  a.setState(state);
  assert.deepEqual([randn([5], { generator: a }).toArray(), rand([3], { generator: a }).toArray()], first);
  assert.deepEqual(zeros([4]).normal_(1, 2, a).toArray(), t.toArray());
  // a state moves between generators
  const c = new Generator(999).setState(state);
  assert.deepEqual(randn([5], { generator: c }).toArray(), first[0]);
  assert.notDeepEqual(randn([5], { generator: new Generator(124) }).toArray(), first[0]);
  a.manualSeed(123);
  assert.equal(a.initialSeed(), 123n);
  // a tensor handle in place of a generator is refused, not misread
  const fake = { handle: zeros([2]).handle } as unknown as Generator;
  assert.throws(() => randn([2], { generator: fake }), /expected a Generator/);
});

test('the default generator is seeded by manualSeed and has a savable state', () => {
  manualSeed(11);
  const x = randn([4]).toArray();
  manualSeed(11);
  const state = Generator.default().getState();
  assert.deepEqual(randn([4]).toArray(), x);
  Generator.default().setState(state);
  assert.deepEqual(randn([4]).toArray(), x);
});

test('random ops have the right ranges and statistics', () => {
  const g = new Generator(0);
  const u = rand([20000], { generator: g });
  assert.ok(u.min().item() >= 0 && u.max().item() < 1);
  assert.ok(Math.abs(u.mean().item() - 0.5) < 0.01);
  const n = randn([20000], { generator: g, dtype: 'float64' });
  assert.equal(n.dtype, 'float64');
  assert.ok(Math.abs(n.mean().item()) < 0.03 && Math.abs(n.std().item() - 1) < 0.03);
  const p = bernoulli(zeros([10000]).fill_(0.3), { generator: g });
  assert.ok(Math.abs(p.mean().item() - 0.3) < 0.02);
  const perm = randperm(50, { generator: g }).toArray();
  assert.deepEqual(
    [...perm].sort((x, y) => x - y),
    Array.from({ length: 50 }, (_, i) => i),
  );
  const r = randint(-3, 4, [1000], { generator: g });
  assert.equal(r.dtype, 'int64');
  assert.ok(r.min().item() === -3 && r.max().item() === 3);
  const un = zeros([5000]).uniform_(2, 5, g);
  assert.ok(un.min().item() >= 2 && un.max().item() < 5);
});

test('thread count can be read and set', () => {
  const before = getNumThreads();
  assert.ok(before >= 1);
  setNumThreads(1);
  assert.equal(getNumThreads(), 1);
  // OpenBLAS's own pool follows (null: another BLAS)
  const blas = getBlasThreads();
  if (blas !== null) assert.equal(blas, 1);
  setNumThreads(before);
  assert.equal(getNumThreads(), before);
  if (blas !== null) assert.equal(getBlasThreads(), before);
  assert.throws(() => setNumThreads(0), /positive integer/);
});

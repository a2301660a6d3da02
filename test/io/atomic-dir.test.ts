import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recoverDir, writeDirAtomic } from '../../src/io/atomic-dir.js';

test('replaces a folder and leaves no temporary folders behind', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'lensfind-dir-'));
  const target = path.join(root, 'last');
  writeDirAtomic(target, (d) => writeFileSync(path.join(d, 'a.txt'), '1'));
  writeDirAtomic(target, (d) => writeFileSync(path.join(d, 'b.txt'), '2'));
  assert.deepEqual(readdirSync(target), ['b.txt']);
  assert.deepEqual(readdirSync(root), ['last']);
});

test('a failing fill keeps the previous folder intact', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'lensfind-dir-'));
  const target = path.join(root, 'best');
  writeDirAtomic(target, (d) => writeFileSync(path.join(d, 'x'), 'old'));
  assert.throws(() =>
    writeDirAtomic(target, (d) => {
      writeFileSync(path.join(d, 'x'), 'new');
      throw new Error('disk full');
    }),
  );
  assert.equal(readFileSync(path.join(target, 'x'), 'utf8'), 'old');
  assert.deepEqual(readdirSync(root), ['best']);
});

test('recoverDir restores the old folder after a kill between the renames', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'lensfind-dir-'));
  const target = path.join(root, 'last');
  mkdirSync(target);
  writeFileSync(path.join(target, 'x'), 'kept');
  renameSync(target, path.join(root, '.last.old'));
  recoverDir(target);
  assert.ok(existsSync(path.join(target, 'x')));
});

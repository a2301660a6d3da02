import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { GradeStore, gradesFileFor } from '../../src/web/grade-store.js';
import { LensfindError } from '../../src/errors.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'lensfind-grades-'));

test('grades live beside the catalogue, in WAL mode, and a reopened store has them', () => {
  const dir = tmp();
  const file = gradesFileFor(path.join(dir, 'cands.parquet'));
  assert.equal(file, path.join(dir, 'cands.parquet.grades.sqlite'));
  const s = new GradeStore(file);
  assert.equal(s.journalMode(), 'wal');
  s.set('a', 'ann', 3, 1000);
  s.set('a', 'bob', 1, 1001);
  s.set('b', 'ann', 0, 1002);
  s.set('a', 'ann', 2, 1003); // a change replaces the grade
  assert.ok(existsSync(`${file}-wal`), 'a WAL file exists while the store is open');
  s.close();
  const again = new GradeStore(file);
  assert.deepEqual(again.all(), [
    { id: 'a', grader: 'ann', grade: 2, time: 1003 },
    { id: 'a', grader: 'bob', grade: 1, time: 1001 },
    { id: 'b', grader: 'ann', grade: 0, time: 1002 },
  ]);
  assert.deepEqual(again.graders(), ['ann', 'bob']);
  assert.deepEqual(
    [...again.byCandidate().get('a')!],
    [
      ['ann', 2],
      ['bob', 1],
    ],
  );
  again.set('a', 'ann', null); // undo to ungraded
  assert.equal(again.get('a', 'ann'), null);
  assert.equal(again.get('a', 'bob'), 1);
  again.close();
  // Every change is in the history, in order, the clearing as a null grade.
  const db = new Database(file, { readonly: true });
  const hist = db.prepare('SELECT id, grader, grade FROM history ORDER BY seq').all();
  db.close();
  assert.deepEqual(hist, [
    { id: 'a', grader: 'ann', grade: 3 },
    { id: 'a', grader: 'bob', grade: 1 },
    { id: 'b', grader: 'ann', grade: 0 },
    { id: 'a', grader: 'ann', grade: 2 },
    { id: 'a', grader: 'ann', grade: null },
  ]);
});

test('a store another process reads sees each grade as soon as set returns (committed, not buffered)', () => {
  const file = path.join(tmp(), 'g.sqlite');
  const s = new GradeStore(file);
  const reader = new Database(file, { readonly: true });
  for (let k = 0; k < 20; k++) {
    s.set(`c${k}`, 'ann', (k % 4) as 0 | 1 | 2 | 3);
    const n = (reader.prepare('SELECT COUNT(*) AS n FROM grades').get() as { n: number }).n;
    assert.equal(n, k + 1);
  }
  reader.close();
  s.close();
});

test('a file that is not a database is a clear error naming it', () => {
  const dir = tmp();
  assert.throws(
    () => new GradeStore(dir),
    (e: unknown) => e instanceof LensfindError && e.code === 'E_GRADES_FILE' && e.message.includes(dir),
  );
});

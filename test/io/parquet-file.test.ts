import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { rowGroups, writeParquetGroups, type ParquetColumn } from '../../src/io/parquet-file.js';

test('rowGroups: 1,000 rows, then 100,000 per group, covering every row once', () => {
  assert.deepEqual(rowGroups(0), []);
  assert.deepEqual(rowGroups(999), [[0, 999]]);
  assert.deepEqual(rowGroups(1000), [[0, 1000]]);
  assert.deepEqual(rowGroups(250000), [
    [0, 1000],
    [1000, 101000],
    [101000, 201000],
    [201000, 250000],
  ]);
});

test('writeParquetGroups: the bytes of parquetWriteBuffer for the same rows, one row group in memory at a time', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-pq-'));
  try {
    const n = 2500; // two row groups: 1,000 and 1,500
    const columns: ParquetColumn[] = [
      { name: 'id', type: 'STRING' },
      { name: 'score', type: 'DOUBLE' },
      { name: 'rank', type: 'INT32' },
    ];
    const id = (k: number) => (k % 7 === 3 ? null : `cut_${k}`);
    const score = (k: number) => (k % 11 === 5 ? null : Math.sin(k) / 2 + 0.5);
    const asked: [number, number][] = [];
    const file = path.join(dir, 'cat.parquet');
    writeParquetGroups(file, columns, n, (start, end) => {
      asked.push([start, end]);
      const ks = Array.from({ length: end - start }, (_, i) => start + i);
      return [ks.map(id), ks.map(score), ks.map((k) => k + 1)];
    });
    assert.deepEqual(asked, [
      [0, 1000],
      [1000, 2500],
    ]);
    const ks = Array.from({ length: n }, (_, k) => k);
    const whole = parquetWriteBuffer({
      columnData: [
        { name: 'id', type: 'STRING', data: ks.map(id) },
        { name: 'score', type: 'DOUBLE', data: ks.map(score) },
        { name: 'rank', type: 'INT32', data: ks.map((k) => k + 1) },
      ] as ColumnSource[],
    });
    assert.deepEqual(readFileSync(file), Buffer.from(whole));
    const buffer = await asyncBufferFromFile(file);
    assert.equal((await parquetMetadataAsync(buffer)).row_groups.length, 2);
    const rows = await parquetReadObjects({ file: buffer });
    assert.equal(rows.length, n);
    assert.deepEqual(rows[1234], { id: 'cut_1234', score: Math.sin(1234) / 2 + 0.5, rank: 1235 });
    assert.equal(rows[3].id, null);
    assert.equal(rows[5].score, null);
    assert.deepEqual(readdirSync(dir), ['cat.parquet']); // no temporary left
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeParquetGroups: an error in a row group leaves no file and no temporary', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-pq-'));
  try {
    const file = path.join(dir, 'cat.parquet');
    assert.throws(
      () =>
        writeParquetGroups(file, [{ name: 'x', type: 'DOUBLE' }], 3000, (start) => {
          if (start > 0) throw new Error('row group failed');
          return [Array.from({ length: 1000 }, () => 1)];
        }),
      /row group failed/,
    );
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// One reader of .csv and .parquet tables as rows (npe's parameter tables, predict's --catalog).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { io } from '../../src/index.js';
import { writeParquetGroups } from '../../src/io/parquet-file.js';

test('readTableRows: the same rows from .csv (strings) and .parquet (typed values)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-table-rows-'));
  try {
    const ids = ['g0', 'g1', 'g2'];
    const mags = [20.5, 21.25, 19];
    writeFileSync(
      path.join(dir, 't.csv'),
      'id,mag\n' + ids.map((id, i) => `${id},${mags[i]}`).join('\n') + '\n',
    );
    writeParquetGroups(
      path.join(dir, 't.parquet'),
      [
        { name: 'id', type: 'STRING' },
        { name: 'mag', type: 'DOUBLE' },
      ],
      ids.length,
      (start, end) => [ids.slice(start, end), mags.slice(start, end)],
    );
    const csv = await io.readTableRows(path.join(dir, 't.csv'));
    const pq = await io.readTableRows(path.join(dir, 't.parquet'));
    assert.deepEqual(
      csv,
      ids.map((id, i) => ({ id, mag: String(mags[i]) })),
    );
    assert.deepEqual(
      pq,
      ids.map((id, i) => ({ id, mag: mags[i] })),
    );
    await assert.rejects(
      io.readTableRows(path.join(dir, 't.txt'), '--catalog t.txt'),
      /--catalog t\.txt: expected a \.csv or \.parquet table, got '\.txt'/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readTableRows refuses a FIFO named .parquet instead of waiting on it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-table-fifo-'));
  try {
    const fifo = path.join(dir, 'rows.parquet');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(io.readTableRows(fifo), /rows\.parquet/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Fault injection, bad files of every kind in a `predict` folder, through the real CLI: symbolic link loops,
// dangling links, a FIFO and a socket named like cutouts, /dev/zero and /etc/passwd behind links, a truncated
// .npy, a link to a folder. None may hang or crash the run; each is listed in rejected.csv with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from '../../src/io/csv.js';
import { encodeNpy } from '../../src/io/npy.js';
import { openPredictInput } from '../../src/predict/input.js';
import { tinyCutout, tinyRun } from '../predict/tiny-run.js';
import { assertExit, assertOneLineError, cli } from './io-cli.js';

/** A FIFO or a Unix socket at `file` (made by mkfifo / Python: Node cannot make either as a plain file). */
function special(kind: 'fifo' | 'socket', file: string): void {
  if (kind === 'fifo') execFileSync('mkfifo', [file]);
  else
    execFileSync('python3', [
      '-c',
      'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])',
      file,
    ]);
}

test('predict over a folder of bad files of every kind: nothing hangs, each is rejected with its reason', async (t) => {
  const { runDir, dataDir, root } = await tinyRun('faults-files');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'survey');
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  const good = ['0000', '0001', '0002'];
  for (const g of good)
    copyFileSync(path.join(dataDir, 'test_lenses', `${g}.npy`), path.join(dir, `${g}.npy`));
  symlinkSync('0000.npy', path.join(dir, 'alias.npy')); // a link inside the folder: read like the file
  symlinkSync('loopB.npy', path.join(dir, 'loopA.npy'));
  symlinkSync('loopA.npy', path.join(dir, 'loopB.npy'));
  symlinkSync('self', path.join(dir, 'self'));
  symlinkSync('nothing.npy', path.join(dir, 'dangle.npy'));
  symlinkSync('/dev/zero', path.join(dir, 'zero.npy'));
  symlinkSync('/etc/passwd', path.join(dir, 'passwd.npy'));
  symlinkSync(dataDir, path.join(dir, 'sub', 'dirlink'));
  special('fifo', path.join(dir, 'x.npy'));
  special('socket', path.join(dir, 'sock.npy'));
  const full = encodeNpy(tinyCutout(1, 5), [3, 16, 16]);
  writeFileSync(path.join(dir, 'truncated.npy'), full.subarray(0, full.length - 100));

  const expected: Record<string, RegExp> = {
    'loopA.npy': /symbolic link loop/,
    'loopB.npy': /symbolic link loop/,
    self: /symbolic link loop/,
    'dangle.npy': /dangling symbolic link \(to nothing\.npy\)/,
    'zero.npy': /symbolic link to \/dev\/zero, outside the dataset folder/,
    'passwd.npy': /symbolic link to \/etc\/passwd, outside the dataset folder/,
    dirlink: /symbolic link to a folder \(not followed\)/,
    'x.npy': /a FIFO \(named pipe\), not a regular file/,
    'sock.npy': /a socket, not a regular file/,
    'truncated.npy': /truncated/,
  };
  const out = path.join(root, 'out', 'catalog.csv');
  const r = await cli(['predict', '--run', runDir, '--input', dir, '--out', out, '--workers', '0'], {
    timeoutMs: 40_000,
  });
  assertExit(r, 0, 'predict over bad files');
  const rows = readCsv(out);
  assert.deepEqual(rows.map((row) => row.id).sort(), ['0000', '0001', '0002', 'alias']);
  assert.equal(readFileSync(out, 'utf8').split('\n')[0], 'id,path,score,rank,logit');
  const rejected = readCsv(path.join(root, 'out', 'rejected.csv'));
  assert.deepEqual(rejected.map((row) => path.basename(row.source)).sort(), Object.keys(expected).sort());
  for (const row of rejected) {
    assert.match(row.reason, expected[path.basename(row.source)], row.source);
    assert.ok(row.reason.includes(row.source), `the reason names the path: ${row.reason}`);
  }
  // With /dev allowed (--data-root), /dev/zero is still never read: it is a device, not a regular file.
  const dev = await openPredictInput(dir, { bands: 3, dataRoot: '/dev' });
  assert.match(
    dev.rejected.find((r) => r.source.endsWith('zero.npy'))!.reason,
    /a character device, not a regular file/,
  );

  // The input itself a FIFO or a dangling link: one line, exit 2.
  special('fifo', path.join(root, 'input.npy'));
  symlinkSync(path.join(root, 'gone'), path.join(root, 'gone-link'));
  const [fifo, gone] = await Promise.all(
    ['input.npy', 'gone-link'].map((name) =>
      cli(['predict', '--run', runDir, '--input', path.join(root, name), '--out', path.join(root, 'o.csv')], {
        timeoutMs: 40_000,
      }),
    ),
  );
  assert.match(assertOneLineError(fifo, 'input.npy', 'predict --input FIFO'), /a FIFO/);
  assert.match(assertOneLineError(gone, 'gone-link', 'predict --input dangling link'), /dangling/);
});

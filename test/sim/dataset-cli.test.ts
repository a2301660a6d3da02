import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCommandArgs } from '../../src/cli/command.js';
import { simulateCommand } from '../../src/cli/commands/simulate.js';
import { readCsv } from '../../src/io/csv.js';
import { readNpy } from '../../src/io/npy.js';
import { ConfigError, LensfindError } from '../../src/errors.js';

const run = (argv: string[]) => simulateCommand.run(parseCommandArgs(simulateCommand, argv));

test('lensfind simulate --preset simple with flags and --set writes the dataset', async () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'lensfind-simcli-')), 'data');
  await run([
    '--preset',
    'simple',
    '--out',
    out,
    '--n',
    '12',
    '--workers',
    '0',
    '--seed',
    '4',
    '--set',
    'image_size=20',
    '--set',
    'output.shard_size=8',
    '--quiet',
  ]);
  assert.equal(readCsv(path.join(out, 'manifest.csv')).length, 12);
  assert.deepEqual(readNpy(path.join(out, 'images/shard-00001.npy')).shape, [4, 3, 20, 20]);
});

test('lensfind simulate --dry-run writes nothing; usage and config errors are reported', async () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'lensfind-simcli-')), 'dry');
  await run([
    '--preset',
    'lsst',
    '--out',
    out,
    '--dry-run',
    '--quiet',
    '--layout',
    'deeplense',
    '--format',
    'fits',
  ]);
  assert.ok(!existsSync(out));
  await assert.rejects(
    run(['--preset', 'lsst']),
    (e: unknown) => e instanceof LensfindError && /--out/.test(e.message),
  );
  await assert.rejects(
    run(['--out', out]),
    (e: unknown) => e instanceof LensfindError && /--preset/.test(e.message),
  );
  await assert.rejects(
    run(['--preset', 'lsst', '--out', out, '--layout', 'flat', '--dry-run']),
    (e: unknown) => e instanceof ConfigError && e.field === 'output.layout',
  );
  await assert.rejects(
    run(['--preset', 'lsst', '--out', out, '--n', 'many']),
    (e: unknown) => e instanceof LensfindError && /--n many/.test(e.message),
  );
});

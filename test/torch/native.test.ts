import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { torch } from '../../src/index.js';

test('the addon loads and reports the libtorch it was built against', () => {
  // The same version Python's torch reports when the build used it; otherwise a 1.x/2.x release.
  assert.match(torch.libtorchVersion(), /^[12]\.\d+\.\d+/);
  try {
    const py = execFileSync('/usr/bin/python3', ['-c', 'import torch;print(torch.__version__)'], {
      encoding: 'utf8',
    });
    if (torch.libtorchSource().length > 0 && py.startsWith('1.13'))
      assert.equal(torch.libtorchVersion(), '1.13.0');
  } catch {
    // no python torch on this machine: nothing to compare with
  }
});

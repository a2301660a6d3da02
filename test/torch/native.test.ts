import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { torch } from '../../src/index.js';

/** Python's torch version (`1.13.0a0`), or null when python3 or its torch is missing. */
function pythonTorchVersion(): string | null {
  try {
    return execFileSync('/usr/bin/python3', ['-c', 'import torch;print(torch.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

test('the addon loads and reports the libtorch it was built against', (t) => {
  assert.match(torch.libtorchVersion(), /^[12]\.\d+\.\d+/);
  const py = pythonTorchVersion();
  if (py === null) return t.skip('no python3 torch on this machine to compare with');
  const source = torch.libtorchSource();
  if (!source.startsWith('system') && !source.startsWith('PyTorch'))
    return t.skip(`the addon was built against another libtorch (${source})`);
  // Python torch's own libtorch is the same library; Debian's libtorch-dev and python3-torch are built from one
  // source package: the same release either way.
  assert.equal(torch.libtorchVersion(), /^\d+\.\d+\.\d+/.exec(py)?.[0]);
});

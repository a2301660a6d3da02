// The exported files pass the onnx package's checker (full check, strict shape inference): Debian's python3-onnx
// through scripts/fixtures/onnx_check.py. Skipped, saying so, where /usr/bin/python3 has no onnx module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createModel, listModels } from '../../src/models/index.js';
import { modelToOnnxGraph } from '../../src/onnx/models.js';

const PYTHON = '/usr/bin/python3';
const script = path.join(import.meta.dirname, '../../scripts/fixtures/onnx_check.py');
const probe = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} has no onnx module (apt-get install python3-onnx)`;

const tiny: Record<string, Record<string, unknown>> = {
  lensnet: { channels: [4, 8] },
  resnet18: { width: 4 },
  resnet34: { width: 4 },
  vit_tiny: { depth: 1 },
  vit_small: { depth: 1, hidden: 48, heads: 3, mlpDim: 64 },
  vit_b_16: { depth: 1, hidden: 48, heads: 4, mlpDim: 64, patchSize: 8 },
  hybrid: { cnnChannels: [8, 16], hidden: 32, depth: 1, heads: 4, mlpDim: 48, arcAttention: true },
};

test('onnx.checker accepts the export of every registered model', { skip }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-onnx-check-'));
  try {
    const files = listModels().map((name) => {
      const model = createModel(name, { inChannels: 2, imageSize: 32, ...(tiny[name] ?? {}) });
      const bytes = modelToOnnxGraph(model, { bands: 2, height: 32, width: 32 }).encode({
        graphName: name,
        metadata: { 'lensfind.model': name },
        producerVersion: 'test',
      });
      const file = path.join(dir, `${name}.onnx`);
      writeFileSync(file, bytes);
      return file;
    });
    const res = spawnSync(PYTHON, [script, ...files], { encoding: 'utf8' });
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, files.length, res.stderr);
    for (const r of lines) {
      assert.equal(r.ok, true, `${String(r.file)}: ${String(r.error)}`);
      assert.deepEqual(r.opset, [17]);
      assert.equal(r.ir_version, 8);
      assert.deepEqual(r.inputs, { input: ['batch', 2, 32, 32] });
      assert.deepEqual(r.outputs, { logit: ['batch', 1] });
      assert.deepEqual(r.metadata, ['lensfind.model']);
    }
    assert.equal(res.status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

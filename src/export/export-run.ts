import path from 'node:path';
import { LensfindError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { ensureWritableFile } from '../io/output-dir.js';
import { loadRun } from '../infer/load-run.js';
import { runToOnnx } from '../infer/run-onnx.js';

export interface ExportOptions {
  run: string;
  out: string;
  checkpoint?: 'best' | 'last';
}

export interface ExportResult {
  file: string;
  bytes: number;
  model: string;
  nodes: number;
  initializers: number;
}

/** `lensfind export`: writes a run's model as an ONNX file, atomically (temporary file + rename). */
export function exportRun(opts: ExportOptions): ExportResult {
  if (path.extname(opts.out).toLowerCase() !== '.onnx') {
    throw new LensfindError('E_USAGE', `--out ${opts.out}: expected a file name ending in .onnx`);
  }
  ensureWritableFile(opts.out);
  const run = loadRun(opts.run, { checkpoint: opts.checkpoint });
  const onnx = runToOnnx(run);
  writeFileAtomic(opts.out, onnx.bytes);
  return {
    file: opts.out,
    bytes: onnx.bytes.byteLength,
    model: run.config.model.name,
    nodes: onnx.nodes,
    initializers: onnx.initializers,
  };
}

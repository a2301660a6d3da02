import type { Command } from '../command.js';
import { LensfindError } from '../../errors.js';

export const exportCommand: Command = {
  name: 'export',
  summary:
    "Write a run's model as an ONNX file (opset 17) for ONNX Runtime, Python's onnx/onnxruntime and other tools; " +
    "the run's normalisation, temperature and config are recorded in the file's metadata_props.",
  usage: '--run RUN --out model.onnx [--checkpoint best|last]',
  options: {
    run: { type: 'string', short: 'r', description: 'the run folder', valueName: 'RUN' },
    out: { type: 'string', short: 'o', description: 'the .onnx file to write', valueName: 'FILE' },
    checkpoint: { type: 'string', description: 'best or last (default: best, else last)', valueName: 'NAME' },
    help: { type: 'boolean', short: 'h', description: 'show this help' },
  },
  async run({ values }) {
    if (!values.run) throw new LensfindError('E_USAGE', 'lensfind export: --run RUN is required');
    if (!values.out) throw new LensfindError('E_USAGE', 'lensfind export: --out model.onnx is required');
    const checkpoint = values.checkpoint as 'best' | 'last' | undefined;
    if (checkpoint !== undefined && checkpoint !== 'best' && checkpoint !== 'last') {
      throw new LensfindError('E_USAGE', `--checkpoint ${String(checkpoint)}: expected best or last`);
    }
    const { onnx } = await import('../../index.js');
    const res = onnx.exportRun({ run: values.run as string, out: values.out as string, checkpoint });
    console.log(
      `wrote ${res.file}: ${res.model}, ${res.nodes} nodes, ${res.initializers} weights, ` +
        `${(res.bytes / 1e6).toFixed(2)} MB`,
    );
  },
};

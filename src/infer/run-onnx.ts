import { readFileSync } from 'node:fs';
import { modelToOnnxGraph } from '../onnx/models.js';
import type { LoadedRun } from './load-run.js';

/** The metadata_props keys an exported model carries (all JSON except `lensfind.model`). */
export const ONNX_METADATA_KEYS = [
  'lensfind.model',
  'lensfind.model_options',
  'lensfind.normalization',
  'lensfind.temperature',
  'lensfind.checkpoint',
  'lensfind.epoch',
  'lensfind.config',
  'lensfind.input',
] as const;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0';
  } catch {
    return '0';
  }
}

/**
 * The ONNX model (ModelProto bytes) of a loaded run: its network in eval mode, input `input` [batch, bands, H, W]
 * float32 already normalised, output `logit` [batch, 1] (probability = sigmoid(logit / temperature)). The
 * normalisation is per image for some kinds (median and MAD of each cutout), which ONNX has no operator for, so
 * it is not folded in: it is recorded in metadata_props (`lensfind.normalization`, with the run's config, the
 * temperature and how to prepare the input), and lensfind's ONNX backend applies it as the libtorch path does.
 */
export function runToOnnx(run: LoadedRun): { bytes: Uint8Array; nodes: number; initializers: number } {
  const graph = modelToOnnxGraph(run.model, {
    bands: run.bands,
    height: run.imageSize,
    width: run.imageSize,
    modelName: run.config.model.name,
  });
  const { name, ...modelOptions } = run.config.model as { name: string } & Record<string, unknown>;
  const metadata: Record<(typeof ONNX_METADATA_KEYS)[number], string> = {
    'lensfind.model': name,
    'lensfind.model_options': JSON.stringify(modelOptions),
    'lensfind.normalization': JSON.stringify(run.normalization),
    'lensfind.temperature': JSON.stringify(run.temperature),
    'lensfind.checkpoint': JSON.stringify(run.checkpoint),
    'lensfind.epoch': JSON.stringify(run.epoch),
    'lensfind.config': JSON.stringify(run.config),
    'lensfind.input':
      `float32 [batch, ${run.bands}, ${run.imageSize}, ${run.imageSize}] cutouts normalised as ` +
      'lensfind.normalization says (lensfind data/normalize.ts); output logit [batch, 1], ' +
      'probability = sigmoid(logit / lensfind.temperature)',
  };
  const bytes = graph.encode({
    graphName: `lensfind_${name}`,
    docString: `lensfind run ${run.name} (${name}, checkpoint ${run.checkpoint}, epoch ${run.epoch})`,
    metadata,
    producerVersion: packageVersion(),
  });
  return { bytes, nodes: graph.nodes.length, initializers: graph.initializers.length };
}

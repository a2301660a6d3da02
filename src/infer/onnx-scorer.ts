import type { InferenceSession } from 'onnxruntime-node';
import { LensfindError } from '../errors.js';
import { fromTypedArray } from '../torch/creation.js';
import { scope } from '../torch/scope.js';
import { symmetries } from '../models/logits.js';
import type { LoadedRun } from './load-run.js';
import type { LensModel } from '../models/common.js';
import { modelToOnnxGraph } from '../onnx/models.js';
import { runToOnnx } from './run-onnx.js';
import type { Scorer } from './scorer.js';

/** The engines a trained model can be scored with. */
export const SCORING_BACKENDS = ['onnx', 'torch'] as const;
export type ScoringBackend = (typeof SCORING_BACKENDS)[number];

/** What predict and evaluate use unless told: the faster one on `npm run bench:predict` (README, "Scoring speed"). */
export const DEFAULT_BACKEND: ScoringBackend = 'onnx';

export function parseBackend(text: unknown, where = '--backend'): ScoringBackend {
  if (text === undefined) return DEFAULT_BACKEND;
  if (!SCORING_BACKENDS.includes(text as ScoringBackend)) {
    throw new LensfindError(
      'E_USAGE',
      `${where} ${String(text)}: expected one of ${SCORING_BACKENDS.join(', ')}`,
    );
  }
  return text as ScoringBackend;
}

export interface OnnxScorerOptions {
  /** ONNX Runtime's intra-op threads (default: its own choice, one per physical core). */
  threads?: number;
}

/**
 * A run's model on ONNX Runtime (CPU): the graph `runToOnnx` writes, built in memory (no file), fed the batches the
 * data loaders normalise exactly as for libtorch. Call `release()` when done.
 */
export class OnnxScorer implements Scorer {
  private constructor(
    private readonly ort: typeof import('onnxruntime-node'),
    private readonly session: InferenceSession,
  ) {}

  static async create(run: LoadedRun, opts: OnnxScorerOptions = {}): Promise<OnnxScorer> {
    return OnnxScorer.fromBytes(runToOnnx(run).bytes, opts);
  }

  /** A network not saved in a run (benchmarks, tests): its graph for inputs [batch, bands, height, width]. */
  static async fromModel(
    model: LensModel,
    input: { bands: number; height: number; width: number },
    opts: OnnxScorerOptions = {},
  ): Promise<OnnxScorer> {
    const bytes = modelToOnnxGraph(model, input).encode({
      graphName: model.constructor.name,
      metadata: {},
      producerVersion: '0',
    });
    return OnnxScorer.fromBytes(bytes, opts);
  }

  /** A session on an ONNX model's bytes (input `input`, output `logit`). */
  static async fromBytes(bytes: Uint8Array, opts: OnnxScorerOptions = {}): Promise<OnnxScorer> {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
    });
    return new OnnxScorer(ort, session);
  }

  /** Logits [B] of one normalised batch at the model's size; `tta` averages over the 8 flips and rotations. */
  async logits(batch: { x: Float32Array; shape: number[] }, tta = false): Promise<Float32Array> {
    const views = tta
      ? scope(() =>
          symmetries(fromTypedArray(batch.x, batch.shape)).map((v) => v.contiguous().toFloat32Array()),
        )
      : [batch.x];
    const n = batch.shape[0];
    const sum = new Float32Array(n);
    for (const v of views) {
      const out = await this.session.run({ input: new this.ort.Tensor('float32', v, batch.shape) });
      const data = out.logit.data as Float32Array;
      for (let i = 0; i < n; i++) sum[i] += data[i];
      out.logit.dispose();
    }
    if (views.length > 1) for (let i = 0; i < n; i++) sum[i] /= views.length;
    return sum;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

import { aucOrNaN } from './metrics.js';

/** The training scores of an epoch so far, as a mid-epoch checkpoint stores them (float32, base64). */
export interface SavedScores {
  logits: string;
  labels: string;
}

const encode = (values: number[]) => Buffer.from(Float32Array.from(values).buffer).toString('base64');

function decode(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
}

/**
 * The logits the training batches got during an epoch and their labels: the epoch's training AUC comes from
 * them, with no extra pass. They are checkpointed with the epoch's partial sums, so a run interrupted inside an
 * epoch and resumed reports the AUC an uninterrupted one does.
 */
export class EpochScores {
  private constructor(
    private readonly logits: number[],
    private readonly labels: number[],
    /** False when resuming a checkpoint written before scores were saved: the epoch's AUC is then unknown. */
    private readonly complete: boolean,
  ) {}

  static empty(): EpochScores {
    return new EpochScores([], [], true);
  }

  /** The scores a mid-epoch checkpoint saved after `batches` batches (none saved: unknown unless no batch ran). */
  static resume(saved: SavedScores | undefined, batches: number): EpochScores {
    if (!saved) return new EpochScores([], [], batches === 0);
    return new EpochScores(decode(saved.logits), decode(saved.labels), true);
  }

  add(logits: ArrayLike<number>, labels: ArrayLike<number>): void {
    for (let i = 0; i < logits.length; i++) {
      this.logits.push(logits[i]);
      this.labels.push(labels[i]);
    }
  }

  save(): SavedScores {
    return { logits: encode(this.logits), labels: encode(this.labels) };
  }

  /** ROC AUC of the epoch's training scores (NaN with one class, or when unknown). */
  auc(): number {
    return this.complete ? aucOrNaN(this.labels, this.logits) : NaN;
  }
}

import { writeFileAtomic } from '../../io/atomic.js';
import { fmt, type EpochMetrics } from '../metrics.js';
import type { EpochEnd, LoopInfo, TrainCallback } from './types.js';

/** The epoch's line in train.log and metrics.jsonl rewritten (atomically) with the whole history. */
export class MetricsLog implements TrainCallback {
  constructor(private readonly history: readonly EpochMetrics[]) {}

  onEpochEnd(loop: LoopInfo, end: EpochEnd): void {
    const m = end.metrics;
    loop.logger.info(
      `epoch ${loop.epoch}/${loop.config.epochs}: loss ${fmt(m.train_loss)} acc ${fmt(m.train_accuracy)} auc ${fmt(m.train_auc)} ` +
        `| val loss ${fmt(m.val_loss)} acc ${fmt(m.val_accuracy)} auc ${fmt(m.val_auc)} ap ${fmt(m.val_ap)} ` +
        `| lr ${m.lr.toExponential(2)} ${Math.round(m.images_per_s)} img/s ` +
        `(${Math.round(100 * m.data_wait)}% waiting for data)${end.isBest ? ' *best*' : ''}`,
    );
    writeFileAtomic(
      loop.session.file('metrics.jsonl'),
      this.history.map((h) => JSON.stringify(h)).join('\n') + '\n',
    );
  }
}

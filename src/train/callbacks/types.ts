/**
 * The training loop's hooks (PyTorch Lightning's Callback, reduced to what lensfind's loop needs). The loop
 * (train/loop.ts) runs the batches and validation; everything else a run does (checkpoints, early stopping,
 * metrics.jsonl and the log line, TensorBoard) is a callback called at these points, in the order of the list.
 * A callback that has state to carry across a resume reads it from, and gives it to, the checkpoint's
 * TrainState (`loadState` / the fields it owns), so an interrupted and resumed run ends where an uninterrupted
 * one does.
 */
import type { Logger } from '../../log/logger.js';
import type { Batch } from '../../data/loader.js';
import type { TrainConfig } from '../schema.js';
import type { EpochMetrics } from '../metrics.js';
import type { RunSession } from '../run-session.js';

/** What every hook can read: the run and where the loop is. */
export interface LoopInfo {
  readonly config: TrainConfig;
  readonly session: RunSession;
  readonly logger: Logger;
  /** Epochs completed (after onEpochEnd's metrics: the epoch just ended, counted from 1). */
  readonly epoch: number;
  /** Optimizer steps so far (global). */
  readonly step: number;
}

/** An epoch's end as the callbacks see it: its metrics, the monitored value, and whether it is the best yet. */
export interface EpochEnd {
  readonly metrics: EpochMetrics;
  /** The value of config.monitor in `metrics`. */
  readonly value: number;
  /** Set by EarlyStopping (first in the list), read by the callbacks after it. */
  isBest: boolean;
}

export interface TrainCallback {
  /** Before a batch's step (the first batch of a run: TensorBoard logs an image of it). */
  onBatchStart?(loop: LoopInfo, batch: Batch): Promise<void> | void;
  /** After a batch's optimizer step, with its mean loss (`loop.step` already counts it). */
  onBatchEnd?(loop: LoopInfo, loss: number): void;
  /** After an epoch's validation, in list order. */
  onEpochEnd?(loop: LoopInfo, end: EpochEnd): void;
  /** Asked after onEpochEnd: true ends training (after its message is logged). */
  shouldStop?(loop: LoopInfo): boolean;
  /** When the call ends, however it ends (a failure included). */
  onTrainEnd?(loop: LoopInfo): void;
}

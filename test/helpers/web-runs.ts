import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** One epoch line of metrics.jsonl with values that follow from the epoch. */
export function epochLine(epoch: number): Record<string, number> {
  return {
    epoch,
    step: epoch * 10,
    train_loss: 1 / epoch,
    val_loss: 1.2 / epoch,
    train_auc: 1 - 0.1 / epoch,
    val_auc: 1 - 0.2 / epoch,
  };
}

export function writeMetrics(runDir: string, epochs: number): void {
  const lines = Array.from({ length: epochs }, (_, k) => JSON.stringify(epochLine(k + 1)));
  writeFileSync(path.join(runDir, 'metrics.jsonl'), lines.join('\n') + '\n');
}

/**
 * A runs folder: `alpha` (3 epochs, completed, evaluated on `test` with a ROC plot) and `beta` (1 epoch, still
 * training: it holds train.lock).
 */
export async function makeRuns(root: string): Promise<{ alpha: string; beta: string }> {
  const alpha = path.join(root, 'alpha');
  const beta = path.join(root, 'beta');
  for (const d of [alpha, beta]) {
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, 'config.yaml'), 'model:\n  name: lensnet\n');
  }
  writeMetrics(alpha, 3);
  writeMetrics(beta, 1);
  writeFileSync(path.join(alpha, 'summary.json'), JSON.stringify({ status: 'completed' }));
  writeFileSync(path.join(beta, 'train.lock'), String(process.pid));
  const ev = path.join(alpha, 'eval/test');
  mkdirSync(ev, { recursive: true });
  writeFileSync(
    path.join(ev, 'metrics.json'),
    JSON.stringify({
      n: 400,
      rocAuc: 0.975,
      tpr0: 0.25,
      tpr10: 0.5,
      prevalence: 0.001,
      thresholds: { expectedPurity: { atFpr: 0.125, half: 0.01 } },
    }),
  );
  const png = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  writeFileSync(path.join(ev, 'roc.png'), png);
  return { alpha, beta };
}

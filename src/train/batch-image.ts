import { colourComposite } from '../plot/composite.js';
import { gallery, galleryLayout } from '../plot/gallery.js';
import type { Batch } from '../data/loader.js';
import type { Logger } from '../log/logger.js';
import type { SummaryWriter } from '../log/tensorboard.js';

/**
 * A PNG gallery of the first `max` cutouts of a (normalised, augmented) training batch with their labels, for
 * TensorBoard's image tab: what the network actually sees.
 */
export async function batchGallery(
  batch: Pick<Batch, 'x' | 'y' | 'shape'>,
  max = 16,
): Promise<{ png: Buffer; width: number; height: number }> {
  const [n, bands, h, w] = batch.shape;
  const count = Math.min(n, max);
  const per = bands * h * w;
  const tile = Math.max(64, Math.min(128, 4 * w));
  const opts = { cols: Math.min(8, count), tile, captionHeight: 16 };
  const items = [];
  for (let i = 0; i < count; i++) {
    const image = colourComposite(batch.x.subarray(i * per, (i + 1) * per), [bands, h, w], {
      // Normalised data is centred near 0: map the batch's low values to black rather than 0.
      minimum: -1,
    });
    items.push({ image, caption: batch.y[i] >= 0.5 ? 'lens' : 'non-lens' });
  }
  const png = await gallery(items, opts);
  const { width, height } = galleryLayout(count, opts);
  return { png, width, height };
}

/** Logs a gallery of the first training batch to TensorBoard; a plotting failure never stops training. */
export async function logBatchImage(tb: SummaryWriter, batch: Batch, logger: Logger): Promise<void> {
  try {
    const { png, width, height } = await batchGallery(batch);
    tb.addImage('train/first_batch', png, height, width, 0);
  } catch (err) {
    logger.warn(`could not log the first batch as an image: ${(err as Error).message}`);
  }
}

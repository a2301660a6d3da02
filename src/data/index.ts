/** Datasets, readers, splits, sampling, normalisation, augmentation and the batch loader. */
export type {
  DataFormat,
  Dataset,
  DatasetItem,
  DatasetSpec,
  ItemSource,
  ReadResult,
  SkippedItem,
  Split,
} from './types.js';
export { DATA_FORMATS, DATA_READERS, dataReader } from './readers/registry.js';
export { stackImageKey } from './readers/stack.js';
export type { DataReader, ReadItemsOptions } from './readers/reader.js';
export { detectFormat } from './detect.js';
export { openDataset, readItems } from './open.js';
export type { OpenOptions } from './open.js';
export { PathGuard } from './path-guard.js';
export { readSource, loadChecked, checkImage } from './source.js';
export { assignSplits, splitIndices } from './split.js';
export { epochOrder, computePosWeight } from './sampler.js';
export type { SamplerKind } from './sampler.js';
export { fitNormalization, applyNormalization, robustStats } from './normalize.js';
export type { NormalizationConfig, NormalizationKind, NormalizationParams } from './normalize.js';
export { augmentImage, drawAugment, flip, rot90, rotateShift, applyGains, NO_AUGMENT } from './augment.js';
export type { AugmentConfig } from './augment.js';
export { BatchLoader } from './loader.js';
export type { Batch, LoaderOptions, EpochOptions } from './loader.js';
export { dataConfigSchema, normalizationSchema, augmentationSchema, simDataSchema } from './schema.js';
export type { DataConfig, SimDataConfig } from './schema.js';
export { simEpochItems, simSeeds, simSpec, renderSimItems } from './sim-stream.js';
export type { SimStream } from './sim-stream.js';
export { createDataPipeline } from './pipeline.js';
export type { DataPipeline, PipelineOptions } from './pipeline.js';
export { openTiles, placeStamp, readStamp, tileItems } from './tiles.js';
export type { Tile } from './tiles.js';

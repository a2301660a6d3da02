/** Candidate catalogues from trained models: unlabeled inputs, streamed scoring, sorted CSV catalogues. */
export { predict } from './predict.js';
export type { PredictOptions, PredictResult } from './predict.js';
export { openPredictInput } from './input.js';
export type { PredictInput } from './input.js';
export { catalogFormat, writeCsvStreamed } from './catalog.js';
export { PartStore, parseShard, DEFAULT_PART_SIZE } from './parts.js';
export type { PartRecord, PartPlan } from './parts.js';
export { mergeShards, MissingShardsError, readShardTable, writeShardTable } from './merge.js';
export type { MergeOptions, MergeResult, ShardTable, ShardRow } from './merge.js';
export { shardFromEnv, shardFileName } from './shard.js';
export type { ShardSpec } from './shard.js';
export { openTileInput } from './tile-input.js';

// Simulated datasets: the plan, the shard writer and its worker pool, previews, config loading.
export { simulateDataset, type SimulateOptions, type SimulateSummary } from './writer.js';
export {
  planItems,
  planShards,
  itemId,
  shardName,
  type PlanItem,
  type PlanShard,
  type SplitName,
} from './plan.js';
export { createItemRenderer, type ItemRenderer, type RenderedItem } from './render-item.js';
export { asinhComposite, writePreview } from './preview.js';
export {
  loadSimulateConfig,
  listSimPresets,
  SIM_PRESET_DIR,
  type LoadSimulateConfigOptions,
} from './load-config.js';
export { manifestColumns, BASE_COLUMNS, type ManifestRow } from './layout.js';

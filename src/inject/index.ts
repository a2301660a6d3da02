// Injection of simulated lensed sources into real survey cutouts (uses sim/, data/ readers, io/; never the engine).
export { injectDataset, type InjectOptions, type InjectSummary } from './dataset.js';
export { Injector, NOISE_STREAM, type CutoutMeasure, type LensChoice, type MetaRecord } from './inject.js';
export {
  injectConfigSchema,
  loadInjectConfig,
  listInjectPresets,
  checkBands,
  INJECT_PRESET_DIR,
  type InjectConfig,
  type InjectConfigInput,
  type LoadInjectConfigOptions,
} from './config.js';
export { measureDeflector, type DeflectorMeasure, type MeasureSetup } from './measure.js';
export { kernelVariance } from './moments.js';
export { robustLevel } from '../metrics/robust.js';
export { borderStats, borderWidth, type BorderStats } from './border-noise.js';
export { bandPsfs, readPsfFile, type BandPsf } from './psf.js';
export { readDeflectorCatalog, catalogThetaE, type DeflectorCatalog } from './catalog.js';

// The simulator's public API (plain TypeScript on typed arrays; never imports the engine).
export * as dataset from './dataset/index.js';
export { Rng, sampleDistribution, distributionSchema, distributionBounds, logGamma } from './rng.js';
export type { Distribution } from './rng.js';
export {
  potential,
  deflection,
  convergence,
  hessian,
  magnification,
  rayShoot,
  shearPolar,
  MASS_PROFILES,
  MASS_PROFILE_NAMES,
  massProfile,
} from './lens/index.js';
export type {
  MassComponent,
  MassProfile,
  MassProfileName,
  SisParams,
  SieParams,
  ShearParams,
  ConvergenceParams,
} from './lens/index.js';
export {
  surfaceBrightness,
  addLight,
  sersicBn,
  sersicTotalFlux,
  sersicAmpForFlux,
  ringTotal,
  LIGHT_PROFILES,
  LIGHT_PROFILE_NAMES,
  lightProfile,
} from './light/index.js';
export type {
  LightComponent,
  LightProfile,
  LightProfileName,
  SersicEllipseParams,
  SersicParams,
  RingParams,
  SpiralParams,
} from './light/index.js';
export { ellipticityToPhiQ, phiQToEllipticity } from './ellipticity.js';
export { gammaP, gammaPInv } from './math/gamma.js';
export {
  psfKernel,
  convolve,
  convolveFft,
  convolveSeparable,
  convolveSymmetricValid,
  convolveDirect,
  FWHM_TO_SIGMA,
} from './psf.js';
export type { Kernel, PsfSpec } from './psf.js';
export { noiseModel, addNoise, pixelVariance, varianceMap, magToCps, cpsToMag } from './noise.js';
export type { NoiseModel } from './noise.js';
export { sampleGrid, downsample } from './raster.js';
export type { SampleGrid, Supersampling } from './raster.js';
export { loadSurvey, surveySchema, bandSchema, surveyBand, surveysDir } from './survey.js';
export type { Survey, Band } from './survey.js';
export { sceneSchema } from './scene/schema.js';
export { NEGATIVES, NEGATIVE_KINDS } from './scene/negatives/index.js';
export type { NegativeKindEntry } from './scene/negatives/index.js';
export type { SceneConfig, SceneInput } from './scene/schema.js';
export type { NegativeKind } from './scene/negatives/index.js';
export { SceneDrawer } from './scene/draw.js';
export type { Scene, PlacedLight, PointLight, Field } from './scene/draw.js';
export { renderCutout, arcSnr, parseScene } from './render.js';
export { renderNoiseless, renderLightsTruncated } from './shade.js';
export { renderField, visibleBox, lightTruncation } from './render-field.js';
export { BandPlanes } from './band-planes.js';
export { estimatedContrast } from './scene/visibility.js';
export type { RenderOptions, Cutout } from './render.js';
export { simulateConfigSchema, splitCounts, isFractions } from './config.js';
export type { SimulateConfig } from './config.js';
export { seedsConfigSchema, isSeedsFormat, mapSeedsConfig } from './seeds-format.js';
export { simpleSchema } from './simple/config.js';
export { renderSimple } from './simple/render.js';
export { FlatLambdaCDM, flatLambdaCDM } from './cosmology.js';
export type { CosmologyParams } from './cosmology.js';
export * as population from './population/index.js';
export { drawConditions, pointSourceDepth } from './conditions.js';
export type { CutoutConditions } from './conditions.js';
export { conditionsSchema, bandFilter } from './survey.js';
export type { Conditions } from './survey.js';

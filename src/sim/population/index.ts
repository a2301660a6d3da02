// Literature populations of galaxies, lenses and stars (see each file for its sources).
export {
  populationSchema,
  fieldSchema,
  starsSchema,
  countsSchema,
  type PopulationConfig,
  type FieldConfig,
  type StarsConfig,
  type CountsConfig,
} from './schema.js';
export {
  GalaxyModel,
  cumulativeCounts,
  drawCountsMag,
  shenSize,
  inclinedDiscQ,
  type GalaxyDraw,
} from './galaxies.js';
export { LensPopulation, type DeflectorDraw, type LensPair } from './lenses.js';
export {
  FILTERS,
  TEMPLATES,
  RED_SED,
  BLUE_SED,
  templateMags,
  mixMag,
  galaxyMags,
  absoluteMag,
  apparentMag,
  drawCoefficients,
  meanCoefficients,
  starColor,
  type SedPopulation,
} from './sed.js';

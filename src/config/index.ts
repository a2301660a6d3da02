/** Configuration files: YAML layers (preset < file < --set < flags), overrides, resolved configs saved with a run. */
export {
  loadConfig,
  resolveConfig,
  parseOverride,
  overrideLayers,
  flagLayer,
  flagLayers,
  deepMerge,
  readYamlFile,
  saveConfig,
} from './load.js';
export type { PlainObject, ConfigLayer } from './load.js';

// What a gallery needs to label its cutouts: the band names (for the colour note) and the pixel scale (for the
// scale bar), from a lensfind dataset's config.yaml (its own pixel_scale, else its survey's). Other data: unknown.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readYamlFile } from '../config/load.js';
import { loadSurvey } from '../sim/survey.js';

export interface DatasetImaging {
  bands?: string[];
  /** Arcsec per pixel. */
  pixelScale?: number;
}

export function datasetImaging(dataPath: string): DatasetImaging {
  const file = path.join(dataPath, 'config.yaml');
  if (!existsSync(dataPath) || !statSync(dataPath).isDirectory() || !existsSync(file)) return {};
  try {
    const cfg = readYamlFile(file) as { bands?: unknown; survey?: unknown; pixel_scale?: unknown };
    const bands = Array.isArray(cfg.bands) ? cfg.bands.map(String) : undefined;
    let pixelScale = typeof cfg.pixel_scale === 'number' ? cfg.pixel_scale : undefined;
    if (pixelScale === undefined && typeof cfg.survey === 'string')
      pixelScale = loadSurvey(cfg.survey).pixel_scale;
    return { bands, pixelScale };
  } catch {
    return {}; // not a simulate config: the galleries go without a scale bar
  }
}

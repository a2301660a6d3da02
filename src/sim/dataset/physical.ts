import type { SimulateConfig } from '../config.js';
import { loadSurvey, renderCutout } from '../render.js';
import type { ItemRenderer } from './render-item.js';
import { describeSurvey } from './describe.js';

/** The physical backend: ray-traced scenes with the survey's PSF and noise (src/sim/render.ts). */
export async function createPhysicalRenderer(cfg: SimulateConfig): Promise<ItemRenderer> {
  const survey = loadSurvey(cfg.survey);
  const bands = cfg.bands ?? survey.default_bands;
  const size = cfg.image_size;
  return {
    bands: [...bands],
    size,
    description: describeSurvey(survey, bands),
    render(item) {
      const cut = renderCutout(cfg.scene, survey, {
        seed: cfg.seed,
        index: item.index,
        label: item.label,
        size,
        bands,
      });
      return { image: cut.image, meta: cut.meta };
    },
  };
}

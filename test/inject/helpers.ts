import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sim } from '../../src/index.js';
import { injectConfigSchema, type InjectConfig, type InjectConfigInput } from '../../src/inject/config.js';
import { writeNpy } from '../../src/io/npy.js';
import { writeCsv } from '../../src/io/csv.js';

export const BANDS = ['g', 'r', 'i'];

/** LSST at its nominal depth and seeing (no per-cutout conditions), so that the injector's survey values hold. */
export function nominalLsst(): sim.Survey {
  return {
    ...sim.loadSurvey('lsst'),
    conditions: { exposure_scale: 1, seeing_scale: 1, seeing_band_scatter: 0, sky_offset: 0 },
  };
}

const NONE = Object.fromEntries(sim.NEGATIVE_KINDS.map((k) => [k, 0]));

/** A scene of deflector-only non-lenses on empty sky (no field, no stars). */
export const DEFLECTOR_ONLY = {
  negatives: { ...NONE, deflector_only: 1 },
  field: { enabled: false },
  stars: { enabled: false },
};

export function injectConfig(over: Partial<InjectConfigInput> = {}): InjectConfig {
  return injectConfigSchema.parse({ survey: 'lsst', bands: BANDS, scene: DEFLECTOR_ONLY, ...over });
}

/** Deflector-only cutouts the simulator made: `count` of them, [3, size, size] in e-/s. */
export function deflectorCutouts(count: number, size: number, seed = 5): Float32Array[] {
  const scene = sim.parseScene(DEFLECTOR_ONLY);
  const survey = nominalLsst();
  return Array.from(
    { length: count },
    (_, index) => sim.renderCutout(scene, survey, { seed, index, label: 0, size, bands: BANDS }).image,
  );
}

/** An .npy stack [N, 3, size, size] with labels.csv (label 0, no split), as a user might have them. */
export function writeStack(dir: string, images: readonly Float32Array[], size: number): string {
  mkdirSync(dir, { recursive: true });
  const data = new Float32Array(images.length * 3 * size * size);
  images.forEach((im, i) => data.set(im, i * im.length));
  const file = path.join(dir, 'cutouts.npy');
  writeNpy(file, data, [images.length, 3, size, size]);
  writeCsv(
    path.join(dir, 'cutouts.csv'),
    images.map((_, i) => ({ id: `gal${i}`, label: 0 })),
  );
  return file;
}

/**
 * The test issue 11 names: on cutouts the simulator made (units and PSF known), injecting a lens into a
 * deflector-only cutout gives the simulator's image of that lens, within the noise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sim } from '../../src/index.js';
import { Injector, NOISE_STREAM } from '../../src/inject/inject.js';
import { drawLens } from '../../src/sim/scene/lens.js';
import type { Scene } from '../../src/sim/scene/draw.js';
import { BANDS, DEFLECTOR_ONLY, injectConfig, nominalLsst } from './helpers.js';

const SIZE = 48;
const SEED = 11;
const INDEX = 4;

const survey = nominalLsst();
const scene = sim.parseScene(DEFLECTOR_ONLY);
const drawer = new sim.SceneDrawer(scene, survey, BANDS);
const inj = new Injector(injectConfig({ seed: SEED }), SIZE);
const npix = SIZE * SIZE;

/** The non-lens renderCutout draws for (SEED, INDEX): its first attempt's stream. */
const nonLens = drawer.nonLens(sim.Rng.forItem(SEED, INDEX, 1));
const { galaxy, cx, cy } = nonLens.central;

/** A lens around that same deflector: a bright enough source from the population, θ_E = 1.1". */
function lensScene(): Scene {
  const rng = new sim.Rng(2024);
  let pair = drawer.ctx.pop.lens(rng);
  while (pair.source.refMag > 23) pair = drawer.ctx.pop.lens(rng);
  return drawLens(drawer.ctx, rng, { given: { cx, cy, lens: { ...pair, deflector: galaxy, thetaE: 1.1 } } });
}
const lens = lensScene();

/** The lensed light by the float64 reference functions (rayShoot, addLight, downsample, convolveFft/separable). */
function referenceArcs(s: Scene): { arc: Float64Array[]; magnification: number } {
  const grid = inj.grid;
  const beta = sim.rayShoot(s.mass, grid.x, grid.y);
  const area = grid.pixelScale ** 2;
  const arc = BANDS.map(() => new Float64Array(npix));
  let magnification = NaN;
  for (const light of s.lights.filter((l) => l.lensed)) {
    const samples = new Float64Array(grid.x.length);
    sim.addLight(light.shape, beta.x, beta.y, samples);
    const pix = sim.downsample(grid, samples);
    if (light.role === 'source') magnification = pix.reduce((a, v) => a + v, 0) * area;
    arc.forEach((a, b) => pix.forEach((v, p) => (a[p] += v * area * light.flux[b])));
  }
  return {
    arc: arc.map((a, b) => {
      const band = sim.surveyBand(survey, BANDS[b]);
      const k = sim.psfKernel({ type: band.psf, fwhm: band.seeing, beta: band.moffat_beta }, 0.2, SIZE - 1);
      return sim.convolve(a, SIZE, SIZE, k);
    }),
    magnification,
  };
}

test('the lensed light of a known scene: the injector and the float64 reference agree to float precision', () => {
  assert.equal(nonLens.meta.negative_kind, 'deflector_only');
  assert.ok(lens.lights.some((l) => l.role === 'source') && lens.mass[0].type === 'SIE');
  const mine = inj.lensedLight(lens);
  const ref = referenceArcs(lens);
  for (let b = 0; b < BANDS.length; b++) {
    const peak = Math.max(...ref.arc[b]);
    let worst = 0;
    for (let p = 0; p < npix; p++) worst = Math.max(worst, Math.abs(mine.arc[b][p] - ref.arc[b][p]));
    console.log(
      `band ${BANDS[b]}: arc peak ${peak.toFixed(3)} e-/s, max |injector - float64 reference| ${worst.toExponential(2)}`,
    );
    assert.ok(peak > 0.5, `band ${BANDS[b]}: a visible arc (peak ${peak} e-/s)`);
    assert.ok(worst < 1e-6 * peak, `band ${BANDS[b]}: max |difference| ${worst} vs peak ${peak}`);
  }
  assert.ok(Math.abs(mine.magnification - ref.magnification) < 1e-4 * ref.magnification);
  assert.ok(mine.magnification > 2, `magnification ${mine.magnification}`);
});

test('injected into the deflector-only cutout, the noisy image is the simulator lens image within the noise', () => {
  const noisyDeflector = sim.renderCutout(scene, survey, {
    seed: SEED,
    index: INDEX,
    label: 0,
    size: SIZE,
    bands: BANDS,
  });
  const quiet = sim.parseScene({ ...DEFLECTOR_ONLY, noise: false });
  const cleanDeflector = sim.renderCutout(quiet, survey, {
    seed: SEED,
    index: INDEX,
    label: 0,
    size: SIZE,
    bands: BANDS,
  });
  assert.equal(noisyDeflector.meta.deflector_mag, nonLens.meta.deflector_mag);
  const ref = referenceArcs(lens);
  // the simulator's lens image of this scene: its deflector (renderCutout's own noiseless pixels) plus the arcs,
  // with the survey's noise (sky, source Poisson, read noise) drawn by the simulator's noise function
  const rng = new sim.Rng(77);
  const injected = inj.paint(
    noisyDeflector.image,
    inj.lensedLight(lens).arc,
    sim.Rng.forItem(SEED, INDEX, NOISE_STREAM),
  );
  // residual / sigma over all pixels, and over the arc's pixels (arc > 1 sigma); the deflector-only cutout there
  // for contrast (what an injection that added nothing would give)
  const all = { n: 0, sum: 0, sum2: 0 };
  const arcPix = { n: 0, sum: 0, sum2: 0, without: 0 };
  let simSnr = 0;
  BANDS.forEach((name, b) => {
    const model = sim.noiseModel(sim.surveyBand(survey, name), survey.pixel_scale, survey.read_noise);
    const clean = new Float64Array(npix);
    for (let p = 0; p < npix; p++) clean[p] = cleanDeflector.image[b * npix + p] + ref.arc[b][p];
    simSnr = Math.max(simSnr, sim.arcSnr(ref.arc[b], clean, model));
    const simulated = Float64Array.from(clean);
    sim.addNoise(simulated, model, rng);
    for (let p = 0; p < npix; p++) {
      const sigma = Math.sqrt(sim.pixelVariance(model, clean[p]));
      const r = (injected[b * npix + p] - simulated[p]) / sigma;
      all.n++;
      all.sum += r;
      all.sum2 += r * r;
      if (ref.arc[b][p] > sigma) {
        arcPix.n++;
        arcPix.sum += r;
        arcPix.sum2 += r * r;
        arcPix.without += (noisyDeflector.image[b * npix + p] - simulated[p]) / sigma;
      }
    }
  });
  const stats = (s: { n: number; sum: number; sum2: number }) => {
    const mean = s.sum / s.n;
    return { mean, sd: Math.sqrt(s.sum2 / s.n - mean * mean) };
  };
  const a = stats(all),
    c = stats(arcPix);
  const snr = inj.arcSnr(noisyDeflector.image, inj.measure(noisyDeflector.image).stats, ref.arc);
  console.log(
    `residual / sigma over ${all.n} pixels: mean ${a.mean.toFixed(4)}, sd ${a.sd.toFixed(4)} (sqrt 2 = 1.4142); ` +
      `over the ${arcPix.n} arc pixels: mean ${c.mean.toFixed(3)}, sd ${c.sd.toFixed(3)}, without the arc mean ` +
      `${(arcPix.without / arcPix.n).toFixed(1)}; arc SNR ${snr.toFixed(1)} (cutout's noise) vs ${simSnr.toFixed(1)} (simulator)`,
  );
  assert.ok(Math.abs(a.mean) < (4 * Math.SQRT2) / Math.sqrt(all.n), `mean ${a.mean}`);
  assert.ok(Math.abs(a.sd - Math.SQRT2) < 0.03, `sd ${a.sd}`);
  assert.ok(arcPix.n > 50, `${arcPix.n} arc pixels`);
  assert.ok(Math.abs(c.mean) < (4 * Math.SQRT2) / Math.sqrt(arcPix.n), `arc pixels: mean ${c.mean}`);
  assert.ok(Math.abs(c.sd - Math.SQRT2) < 0.15, `arc pixels: sd ${c.sd}`);
  assert.ok(arcPix.without / arcPix.n < -3, 'without the arc, the residual there is far from zero');
  // the arc SNR against the cutout's own noise (its border) agrees with the simulator's from the noise model
  assert.ok(Math.abs(snr / simSnr - 1) < 0.1, `arc SNR ${snr} vs ${simSnr}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sim } from '../../src/index.js';
import { Injector } from '../../src/inject/inject.js';
import { borderStats } from '../../src/inject/border-noise.js';
import { BANDS, injectConfig, nominalLsst } from './helpers.js';

const SIZE = 40;
const survey = nominalLsst();
const inj = new Injector(injectConfig(), SIZE);
const npix = SIZE * SIZE;

interface Galaxy {
  x: number;
  y: number;
  R: number;
  n: number;
  q: number;
  /** Degrees counter-clockwise from +x. */
  angle: number;
  /** i-band magnitude; g and r are 1.2 and 0.4 mag fainter. */
  mag: number;
}

/**
 * A cutout of Sérsic galaxies through the survey PSF, with (or without) the survey's noise, on an 8x8 sample grid (the
 * simulator's default grid, 2x2 samples beyond 2 px of the centre, shifts an off-centre n = 4 cusp's centroid by
 * ~0.02": that would be the renderer's error, not the measurement's).
 */
const fine = sim.sampleGrid(SIZE, 0.2, { factor: 8, centralFactor: 8, centralRadius: 0 });
function cutout(galaxies: Galaxy[], seed: number | null): Float32Array {
  const grid = fine;
  const area = grid.pixelScale ** 2;
  const out = new Float32Array(3 * npix);
  BANDS.forEach((name, b) => {
    const band = sim.surveyBand(survey, name);
    const samples = new Float64Array(grid.x.length);
    for (const g of galaxies) {
      const { e1, e2 } = sim.phiQToEllipticity((g.angle * Math.PI) / 180, g.q);
      const flux = sim.magToCps(g.mag + [1.2, 0.4, 0][b], band.zero_point);
      const amp = sim.sersicAmpForFlux(flux, g.R, g.n);
      sim.addLight(
        { type: 'SERSIC_ELLIPSE', amp, R_sersic: g.R, n_sersic: g.n, e1, e2, center_x: g.x, center_y: g.y },
        grid.x,
        grid.y,
        samples,
      );
    }
    const pix = sim.downsample(grid, samples).map((v) => v * area);
    const img = sim.convolve(
      pix,
      SIZE,
      SIZE,
      sim.psfKernel({ type: 'gaussian', fwhm: band.seeing }, 0.2, SIZE - 1),
    );
    if (seed !== null) sim.addNoise(img, sim.noiseModel(band, 0.2, survey.read_noise), new sim.Rng(seed + b));
    out.set(Float32Array.from(img), b * npix);
  });
  return out;
}

const angleDiff = (a: number, b: number) => ((((a - b) % 180) + 270) % 180) - 90;

test('the deflector of a known Sérsic: centre, axis ratio, angle, magnitude and size', () => {
  const cases: Galaxy[] = [
    { x: 0.13, y: -0.07, R: 0.8, n: 4, q: 0.6, angle: 30, mag: 19.5 },
    { x: -0.2, y: 0.25, R: 0.5, n: 4, q: 0.8, angle: 120, mag: 20.5 },
    { x: 0.0, y: 0.1, R: 1.0, n: 4, q: 0.45, angle: -60, mag: 18.8 },
  ];
  cases.forEach((g, k) => {
    const m = inj.measure(cutout([g], 100 + 3 * k)).deflector;
    const dAngle = angleDiff((m.phi * 180) / Math.PI, g.angle);
    const found = `found (${m.x.toFixed(3)}, ${m.y.toFixed(3)}) q ${m.q.toFixed(3)} angle ${((m.phi * 180) / Math.PI).toFixed(1)} mag ${m.mags[2].toFixed(3)} R ${m.R.toFixed(3)}`;
    assert.ok(m.found, found);
    assert.ok(Math.hypot(m.x - g.x, m.y - g.y) < 0.02, `centre: ${found}`);
    assert.ok(Math.abs(m.q - g.q) < 0.05, `q: ${found}`);
    assert.ok(Math.abs(dAngle) < 3, `angle: ${found}`);
    assert.ok(Math.abs(m.mags[2] - g.mag) < 0.05, `i magnitude: ${found}`);
    assert.ok(Math.abs(m.mags[0] - g.mag - 1.2) < 0.08, `g magnitude: ${found}`);
    assert.ok(Math.abs(m.R / g.R - 1) < 0.1, `R: ${found}`);
  });
});

test('a bright neighbour is left out of the deflector; a blank cutout has none; the noise is the border noise', () => {
  const g: Galaxy = { x: 0.05, y: 0.05, R: 0.6, n: 4, q: 0.7, angle: 10, mag: 20 };
  const neighbour: Galaxy = { x: 2.2, y: -1.0, R: 0.4, n: 1, q: 0.5, angle: 80, mag: 19.5 };
  const m = inj.measure(cutout([g, neighbour], 7)).deflector;
  assert.ok(Math.hypot(m.x - g.x, m.y - g.y) < 0.02, `centre (${m.x}, ${m.y})`);
  assert.ok(
    Math.abs(m.q - g.q) < 0.08 && Math.abs(angleDiff((m.phi * 180) / Math.PI, g.angle)) < 6,
    `q ${m.q} phi ${m.phi}`,
  );
  assert.ok(Math.abs(m.mags[2] - g.mag) < 0.1, `mag ${m.mags[2]}`);

  const blank = cutout([], 8);
  assert.equal(inj.measure(blank).deflector.found, false);
  const stats = borderStats(blank, 3, SIZE);
  BANDS.forEach((name, b) => {
    const sky = Math.sqrt(
      sim.pixelVariance(sim.noiseModel(sim.surveyBand(survey, name), 0.2, survey.read_noise), 0),
    );
    assert.ok(Math.abs(stats.sigma[b] / sky - 1) < 0.1, `${name}: border sigma ${stats.sigma[b]} vs ${sky}`);
    assert.ok(Math.abs(stats.level[b]) < 0.2 * sky, `${name}: level ${stats.level[b]}`);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sim } from '../../src/index.js';
import { Injector } from '../../src/inject/inject.js';
import { BANDS, DEFLECTOR_ONLY, deflectorCutouts, injectConfig, nominalLsst } from './helpers.js';

const SIZE = 40;
const SEED = 5;
const cutouts = deflectorCutouts(4, SIZE, SEED);
const drawer = new sim.SceneDrawer(sim.parseScene(DEFLECTOR_ONLY), nominalLsst(), BANDS);
/** The true deflector of cutout i (the scene renderCutout drew). */
const truth = (i: number) => drawer.nonLens(sim.Rng.forItem(SEED, i, 1)).central;

test('a catalogue θ_E is used as given; the mass follows the measured deflector; same inputs, same bytes', () => {
  const inj = new Injector(injectConfig({ seed: 3 }), SIZE);
  for (let i = 0; i < 2; i++) {
    const r = inj.inject(cutouts[i], i, { thetaE: 1.3 });
    const { galaxy, cx, cy } = truth(i);
    assert.equal(r.meta.theta_E, 1.3);
    assert.equal(r.meta.theta_E_from, 'catalog');
    const sie = r.choice.scene.mass[0];
    assert.ok(sie.type === 'SIE' && sie.theta_E === 1.3);
    if (sie.type !== 'SIE') return;
    assert.ok(
      Math.hypot((sie.center_x ?? NaN) - cx, (sie.center_y ?? NaN) - cy) < 0.03,
      `mass centre (${sie.center_x}, ${sie.center_y}) vs (${cx}, ${cy})`,
    );
    assert.ok(
      Math.abs(Number(r.meta.deflector_q) - galaxy.q) < 0.05,
      `light q ${r.meta.deflector_q} vs ${galaxy.q}`,
    );
    // the image is the cutout plus the arc and its noise: where no arc fell, nothing changed
    const arcSum = r.choice.arc.reduce((s, a) => s + a.reduce((t, v) => t + v, 0), 0);
    let added = 0;
    for (let p = 0; p < r.image.length; p++) added += r.image[p] - cutouts[i][p];
    assert.ok(Math.abs(added - arcSum) < 0.02 * arcSum + 1, `added ${added} vs arc ${arcSum}`);
    const again = inj.inject(cutouts[i], i, { thetaE: 1.3 });
    assert.deepEqual(Buffer.from(again.image.buffer), Buffer.from(r.image.buffer));
  }
  const other = inj.inject(cutouts[0], 1, { thetaE: 1.3 });
  assert.notDeepEqual(other.meta.source_x, inj.inject(cutouts[0], 0, { thetaE: 1.3 }).meta.source_x);
});

test('θ_E from the population: a pair whose deflector is as bright as the measured one; detectability cuts hold', () => {
  const inj = new Injector(
    injectConfig({
      seed: 9,
      scene: { ...DEFLECTOR_ONLY, detectability: { min_arc_snr: 15, min_magnification: 2, resolved: true } },
    }),
    SIZE,
  );
  for (let i = 0; i < cutouts.length; i++) {
    const r = inj.inject(cutouts[i], i);
    const m = r.meta;
    assert.equal(
      m.theta_E_from,
      'population',
      `cutout ${i}: ${String(m.theta_E_from)} (offset ${m.mag_offset})`,
    );
    assert.ok(Math.abs(Number(m.mag_offset)) <= 0.3, `offset ${m.mag_offset}`);
    assert.ok(Number(m.theta_E) > 0 && Number(m.sigma_v) >= 100, `θ_E ${m.theta_E}, σ ${m.sigma_v}`);
    assert.ok(
      Math.abs(Number(m.deflector_mag) - truth(i).galaxy.mags[2]) < 0.15,
      `measured mag ${m.deflector_mag}`,
    );
    if (Number(m.attempts) < 20) {
      assert.ok(
        Number(m.arc_snr) >= 15 && Number(m.magnification) >= 2,
        `snr ${m.arc_snr}, μ ${m.magnification}`,
      );
      const fwhm = Math.min(...inj.psfs.map((p) => p.fwhm));
      assert.ok(Number(m.theta_E) ** 2 > Number(m.source_R) ** 2 + (fwhm / 2) ** 2, 'resolved');
    }
  }
});

test('zero points and pixel scale: fluxes follow the given units, the gain converts them to electrons', () => {
  const survey = nominalLsst();
  // cutouts in nanomaggies (zero point 22.5): the same sky as e-/s scaled by 10^(0.4 (22.5 - zp))
  const zp = BANDS.map((b) => sim.surveyBand(survey, b).zero_point);
  const inj = new Injector(injectConfig({ zero_points: [22.5, 22.5, 22.5], seed: 1 }), SIZE);
  const scale = zp.map((z) => Math.pow(10, 0.4 * (22.5 - z)));
  assert.deepEqual(inj.zeroPoints, [22.5, 22.5, 22.5]);
  inj.gains.forEach((g, b) => {
    const band = sim.surveyBand(survey, BANDS[b]);
    assert.ok(Math.abs(g / ((band.exposure_time * band.num_exposures) / scale[b]) - 1) < 1e-12);
  });
  const ref = new Injector(injectConfig({ seed: 1 }), SIZE);
  const scaled = Float32Array.from(cutouts[0], (v, p) => v * scale[Math.floor(p / (SIZE * SIZE))]);
  const a = ref.inject(cutouts[0], 0, { thetaE: 1.2 });
  const b = inj.inject(scaled, 0, { thetaE: 1.2 });
  // the same lens (the same draws, around the same measured centre), its light in the other units
  assert.equal(a.meta.source_offset, b.meta.source_offset);
  assert.ok(Math.abs(Number(a.meta.source_x) - Number(b.meta.source_x)) < 1e-6);
  for (let band = 0; band < 3; band++) {
    const sa = a.choice.arc[band].reduce((s, v) => s + v, 0),
      sb = b.choice.arc[band].reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sb / (sa * scale[band]) - 1) < 1e-5, `band ${band}: ${sb} vs ${sa * scale[band]}`);
  }
  assert.ok(Math.abs(Number(b.meta.deflector_mag) - Number(a.meta.deflector_mag)) < 0.01);
  assert.ok(Math.abs(Number(b.meta.arc_snr) / Number(a.meta.arc_snr) - 1) < 0.02);
  // another pixel scale changes the grid and kernels
  const coarse = new Injector(injectConfig({ pixel_scale: 0.26 }), SIZE);
  assert.equal(coarse.grid.pixelScale, 0.26);
});

// Ray shooting only the pixels a truncated lensed source can reach: the same bits as shooting every pixel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sim from '../../src/sim/index.js';
import { BandPlanes } from '../../src/sim/band-planes.js';
import { sieShearPass } from '../../src/sim/lens/ray-shoot-fast.js';
import { sersicForm } from '../../src/sim/light/sersic-fast.js';
import { lensedReach } from '../../src/sim/lensed-reach.js';
import { Rng } from '../../src/sim/rng.js';
import type { MassComponent } from '../../src/sim/lens/index.js';

const size = 48;
const grid = sim.sampleGrid(size, 0.2, { factor: 2, centralFactor: 6, centralRadius: 2 });
const npix = size * size;

test('lensed light within its reach: every pixel as when all pixels are ray-shot', () => {
  const rng = new Rng(11);
  const planes = new BandPlanes(size, 1);
  let small = 0;
  const draws = 60;
  for (let k = 0; k < draws; k++) {
    // SIEs from round to flat (and SISs), with shear; sources near the caustics, cut at 0.3"-2" from their centre
    const q = k % 10 === 0 ? 1 : 0.2 + 0.8 * rng.uniform();
    const { e1, e2 } = sim.phiQToEllipticity(Math.PI * rng.uniform(), q);
    const mass: MassComponent[] = [
      {
        type: 'SIE',
        theta_E: 0.5 + 2 * rng.uniform(),
        e1,
        e2,
        center_x: 0.3 * rng.normal(),
        center_y: 0.3 * rng.normal(),
      },
      { type: 'SHEAR', gamma1: 0.1 * rng.normal(), gamma2: 0.1 * rng.normal() },
    ];
    const pass = sieShearPass(mass);
    assert.ok(pass);
    const shape = {
      type: 'SERSIC_ELLIPSE' as const,
      amp: 1,
      R_sersic: 0.05 + 0.4 * rng.uniform(),
      n_sersic: 0.5 + 3 * rng.uniform(),
      ...sim.phiQToEllipticity(Math.PI * rng.uniform(), 0.3 + 0.7 * rng.uniform()),
      center_x: 0.5 * rng.normal(),
      center_y: 0.5 * rng.normal(),
    };
    const full = sersicForm(shape);
    // the cut where the ellipse coordinate reaches (r / R)^2 for r of 0.3"-2" along the major axis
    const r = 0.3 + 1.7 * rng.uniform();
    const form = { ...full, cut: Math.min(full.cut, (r / shape.R_sersic) ** 2) };
    const reach = lensedReach([form], pass, grid);
    assert.ok(reach);
    planes.lensed(form, pass, grid, 0.04);
    const all = Float64Array.from(planes.view(planes.pix));
    planes.view(planes.pix).fill(Number.NaN);
    planes.lensed(form, pass, grid, 0.04, undefined, reach);
    const part = planes.view(planes.pix);
    let lit = 0;
    for (let i = 0; i < npix; i++) {
      assert.ok(Object.is(part[i], all[i]), `draw ${k}, pixel ${i}: ${part[i]} vs ${all[i]}`);
      if (all[i] > 0) lit++;
    }
    assert.ok(lit > 0, `draw ${k}: the source is seen`);
    // later lensed lights read the same positions ('rays') within the same reach
    planes.light(form, grid, 0.04, 'rays', reach);
    assert.ok(planes.view(planes.pix).every((v, i) => Object.is(v, all[i])));
    const area = (reach.r1 - reach.r0 + 1) * (reach.c1 - reach.c0 + 1);
    if (area < npix / 2) small++;
  }
  // the comparison covers reaches that leave much of the cutout out, not only whole cutouts
  assert.ok(small >= 10, `the reach was under half the cutout in only ${small} of ${draws} draws`);
});

test('no reach for lights whose light is not bounded', () => {
  const pass = sieShearPass([{ type: 'SIE', theta_E: 1, e1: 0.1, e2: 0 }]);
  assert.ok(pass);
  const form = sersicForm({ type: 'SERSIC', amp: 1, R_sersic: 0.2, n_sersic: 1, center_x: 0, center_y: 0 });
  assert.equal(lensedReach([{ ...form, cut: Infinity }], pass, grid), undefined);
  assert.equal(lensedReach([form, undefined], pass, grid), undefined);
  const strong = { ...pass, g1: 0.8, g2: 0.8 }; // shear of 1 or more: no bound
  assert.equal(lensedReach([form], strong, grid), undefined);
});

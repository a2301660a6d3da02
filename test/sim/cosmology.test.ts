import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sim } from '../../src/index.js';

interface Ref {
  H0: number;
  Om0: number;
  z: number[];
  comoving: number[];
  angular: number[];
  distmod: number[];
  dvdz: number[];
  pairs: [number, number, number][];
}
// astropy FlatLambdaCDM (scripts/fixtures/sim_cosmology.py)
const refs = JSON.parse(
  readFileSync(new URL('../fixtures/sim/cosmology.json', import.meta.url), 'utf8'),
) as Ref[];

const close = (a: number, b: number, rel: number, what: string) =>
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs astropy ${b}`);

test('flat ΛCDM distances equal astropy to 1e-7', () => {
  for (const r of refs) {
    const c = new sim.FlatLambdaCDM({ H0: r.H0, Om0: r.Om0 });
    r.z.forEach((z, i) => {
      close(c.comovingDistance(z), r.comoving[i], 1e-7, `D_C(${z})`);
      close(c.angularDiameterDistance(z), r.angular[i], 1e-7, `D_A(${z})`);
      close(c.distanceModulus(z), r.distmod[i], 1e-8, `DM(${z})`);
      close(c.differentialComovingVolume(z), r.dvdz[i], 1e-7, `dV/dz(${z})`);
    });
    for (const [z1, z2, d] of r.pairs)
      close(c.angularDiameterDistanceBetween(z1, z2), d, 1e-7, `D(${z1},${z2})`);
  }
});

test('the SIS Einstein radius: 4π(σ/c)² D_ls/D_s, and 0 with the source in front', () => {
  const c = new sim.FlatLambdaCDM({ H0: 70, Om0: 0.3 });
  const r = refs[0];
  const dls = r.pairs[0][2],
    ds = r.angular[r.z.indexOf(1.0)];
  // σ = 250 km/s, z_l = 0.3, z_s = 1
  const expected = 4 * Math.PI * (250 / 299792.458) ** 2 * (dls / ds) * 206264.80624709636;
  close(c.einsteinRadius(250, 0.3, 1.0), expected, 1e-7, 'theta_E');
  assert.ok(expected > 0.9 && expected < 1.2, `a 250 km/s lens at z 0.3 has theta_E ~1", got ${expected}`);
  assert.equal(c.einsteinRadius(250, 1.0, 0.5), 0);
});

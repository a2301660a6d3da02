import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sim } from '../../src/index.js';

const lsst = sim.loadSurvey('lsst');
const BANDS = ['g', 'r', 'i'];
const only = (kind: string) => Object.fromEntries(sim.NEGATIVE_KINDS.map((k) => [k, k === kind ? 1 : 0]));

test('scene.negatives has exactly the registered kinds, each defaulting to its registered fraction', () => {
  const cfg = sim.parseScene({});
  assert.deepEqual(Object.keys(cfg.negatives), [...sim.NEGATIVE_KINDS]);
  for (const n of sim.NEGATIVES) assert.equal(cfg.negatives[n.kind], n.fraction, n.kind);
  assert.throws(() => sim.parseScene({ negatives: { jellyfish: 1 } }), /jellyfish/);
});

for (const entry of sim.NEGATIVES) {
  test(`non-lens kind ${entry.kind}: drawn alone when alone weighted; no mass; unit-flux shapes; a lens's columns`, () => {
    const cfg = sim.parseScene({ negatives: only(entry.kind) });
    const drawer = new sim.SceneDrawer(cfg, lsst, BANDS);
    const lensColumns = Object.keys(drawer.lens(sim.Rng.forItem(5, 0)).meta);
    for (let i = 0; i < 12; i++) {
      const scene = drawer.nonLens(sim.Rng.forItem(5, i));
      assert.equal(scene.meta.negative_kind, entry.kind);
      assert.equal(scene.meta.label, 0);
      assert.equal(scene.meta.theta_E, 0);
      assert.deepEqual(scene.mass, []);
      assert.deepEqual(Object.keys(scene.meta), lensColumns, 'the same columns as a lens, in the same order');
      assert.ok(scene.lights.length + scene.points.length >= 1);
      for (const light of scene.lights) {
        assert.equal(light.lensed, false);
        const profile = sim.lightProfile(light.shape) as sim.LightProfile;
        const total = profile.totalFlux(light.shape);
        assert.ok(
          Math.abs(total - 1) < 1e-12,
          `${entry.kind} ${light.role} ${light.shape.type}: total flux ${total}`,
        );
        assert.equal(light.flux.length, BANDS.length);
        assert.ok(light.flux.every((f) => Number.isFinite(f) && f >= 0));
      }
      for (const p of scene.points) assert.ok(p.flux.every((f) => Number.isFinite(f) && f > 0));
      assert.ok(Number.isFinite(scene.meta.deflector_mag as number));
    }
  });
}

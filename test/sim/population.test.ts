import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sim } from '../../src/index.js';

const { population } = sim;
const lsst = sim.loadSurvey('lsst');
const cosmo = sim.flatLambdaCDM({ H0: 70, Om0: 0.3 });
const pop = population.populationSchema.parse({});
const galaxies = new population.GalaxyModel(pop, cosmo, ['lsst-g', 'lsst-r', 'lsst-i']);

test('templates: a red galaxy at z = 0 has the colours of local ellipticals, and reddens with redshift', () => {
  const red = population.meanCoefficients(population.RED_SED, 0);
  const gr = population.mixMag(red, 'sdss-g', 0) - population.mixMag(red, 'sdss-r', 0);
  const ri = population.mixMag(red, 'sdss-r', 0) - population.mixMag(red, 'sdss-i', 0);
  // SDSS early types at z ~ 0: g - r ≈ 0.75, r - i ≈ 0.4 (Fukugita et al. 1995; Blanton et al. 2003)
  assert.ok(Math.abs(gr - 0.75) < 0.1, `g - r = ${gr}`);
  assert.ok(Math.abs(ri - 0.38) < 0.1, `r - i = ${ri}`);
  const at = (z: number) =>
    population.mixMag(population.meanCoefficients(population.RED_SED, z), 'lsst-r', z) -
    population.mixMag(population.meanCoefficients(population.RED_SED, z), 'lsst-i', z);
  // the 4000 Å break moves from g into r between z = 0.3 and 0.7: r - i grows
  assert.ok(at(0.7) > at(0.4) + 0.2 && at(0.4) > at(0.1), `r - i: ${at(0.1)} ${at(0.4)} ${at(0.7)}`);
  // blue star-forming galaxies are bluer than red ones at the same redshift
  const blue = population.meanCoefficients(population.BLUE_SED, 0.5);
  const red5 = population.meanCoefficients(population.RED_SED, 0.5);
  const gi = (c: Float64Array) => population.mixMag(c, 'lsst-g', 0.5) - population.mixMag(c, 'lsst-i', 0.5);
  assert.ok(gi(blue) < gi(red5) - 0.5, `g - i blue ${gi(blue)} red ${gi(red5)}`);
});

test("templates: a single template's magnitude at a table node is the table's value; galaxyMags keeps the reference", () => {
  const one = new Float64Array([0, 0, 0, 1, 0]);
  const m = population.templateMags('lsst-i', 0.5);
  assert.ok(Math.abs(population.mixMag(one, 'lsst-i', 0.5) - m[3]) < 1e-12);
  const mags = population.galaxyMags(one, 0.5, 'lsst-i', 22, ['lsst-g', 'lsst-i']);
  assert.ok(Math.abs(mags[1] - 22) < 1e-12);
  assert.ok(Math.abs(mags[0] - 22 - (population.templateMags('lsst-g', 0.5)[3] - m[3])) < 1e-12);
  assert.throws(() => population.mixMag(one, 'lsst-q', 0.5), /no spectral table for filter 'lsst-q'.*lsst-g/);
});

test('counts: magnitudes follow N(<m) = 46 x 10^(0.31 (m - 25)) per arcmin^2 (LSST Science Book eq. 3.7)', () => {
  assert.ok(Math.abs(population.cumulativeCounts(pop.counts, 25) - 46) < 1e-12);
  assert.ok(Math.abs(galaxies.density(20, 25) - 46 * (1 - 10 ** (0.31 * -5))) < 1e-9);
  const rng = new sim.Rng(3);
  const n = 40000;
  let brighter = 0;
  for (let i = 0; i < n; i++) if (galaxies.drawMag(20, 26, rng) < 25) brighter++;
  const expected = (10 ** (0.31 * 5) - 1) / (10 ** (0.31 * 6) - 1);
  const sd = Math.sqrt((expected * (1 - expected)) / n);
  assert.ok(Math.abs(brighter / n - expected) < 4 * sd, `${brighter / n} vs ${expected}`);
});

test('redshifts: p(z|m) ∝ z² exp(-z/z0) has mean 3 z0, z0 = 0.0417 m - 0.744', () => {
  const rng = new sim.Rng(4);
  const n = 20000;
  let s = 0;
  for (let i = 0; i < n; i++) s += galaxies.drawRedshift(24, rng);
  const z0 = 0.0417 * 24 - 0.744;
  // sd of the mean: sqrt(3) z0 / sqrt(n)
  assert.ok(Math.abs(s / n - 3 * z0) < (4 * Math.sqrt(3) * z0) / Math.sqrt(n), `${s / n} vs ${3 * z0}`);
});

test('sizes: Shen et al. (2003) medians at their characteristic magnitude', () => {
  // late types at M0 = -20.52: log R = -0.4 α M0 + (β - α) log 2 + γ
  const late = population.shenSize(-20.52, false);
  assert.ok(Math.abs(Math.log10(late.median) - (0.4 * 0.21 * 20.52 + 0.32 * Math.log10(2) - 1.31)) < 1e-12);
  assert.ok(Math.abs(late.sigmaLn - (0.25 + 0.23 / 2)) < 1e-12);
  const early = population.shenSize(-22, true);
  assert.ok(Math.abs(Math.log10(early.median) - (0.6 * 0.4 * 22 - 4.63)) < 1e-12);
});

test('lenses: σ follows φ(σ)σ⁴ (Choi et al. 2007), θ_E = 4π(σ/c)² D_ls/D_s, sources behind the deflector', () => {
  const lenses = new population.LensPopulation(pop, cosmo, galaxies);
  const rng = new sim.Rng(5);
  const n = 4000;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const p = lenses.drawPair(rng);
    assert.ok(p.source.z >= p.deflector.z + pop.source.min_dz - 1e-12);
    const t = cosmo.einsteinRadius(p.deflector.sigma, p.deflector.z, p.source.z);
    assert.ok(Math.abs(p.thetaE - t) < 1e-12);
    mean += p.deflector.sigma / n;
  }
  // the mean of σ under φ(σ)σ⁴ truncated to [100, 400], by quadrature
  const { sigma_star: s0, alpha, beta } = pop.deflector;
  let num = 0,
    den = 0;
  for (let s = 100; s <= 400; s += 0.05) {
    const w = (Math.pow(s / s0, alpha + 4) * Math.exp(-Math.pow(s / s0, beta))) / s;
    num += s * w;
    den += w;
  }
  const sd = 45 / Math.sqrt(n); // σ's spread is ~45 km/s
  assert.ok(Math.abs(mean - num / den) < 4 * sd, `mean σ ${mean} vs ${num / den}`);
});

const sceneWith = (over: object) => sim.parseScene({ detectability: { min_arc_snr: 0 }, ...over });

test('fields: neighbours are drawn the same way for lenses and non-lenses (their counts agree)', () => {
  const scene = sceneWith({});
  const counts = { 0: [] as number[], 1: [] as number[] };
  for (const label of [0, 1] as const)
    for (let i = 0; i < 300; i++)
      counts[label].push(
        Number(sim.renderCutout(scene, lsst, { seed: 11, index: i, label, size: 48 }).meta.n_neighbours),
      );
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const sd = (a: number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
  // Welch's difference of means within 4 standard errors, and equal spreads within 25%
  const se = Math.sqrt(sd(counts[0]) ** 2 / 300 + sd(counts[1]) ** 2 / 300);
  assert.ok(Math.abs(mean(counts[0]) - mean(counts[1])) < 4 * se, `${mean(counts[0])} vs ${mean(counts[1])}`);
  assert.ok(Math.abs(sd(counts[0]) / sd(counts[1]) - 1) < 0.25);
  // and the field is there: 9.6" cutouts hold ~0.026 arcmin^2 x ~190 galaxies to i = 27, plus satellites
  const expected = (galaxies.density(16, 27) * 9.6 * 9.6) / 3600;
  assert.ok(
    mean(counts[0]) > 0.7 * expected,
    `${mean(counts[0])} neighbours, ${expected} field galaxies expected`,
  );
});

test('conditions: depth, seeing and sky drawn per cutout from the survey, recorded, and deterministic', () => {
  const scene = sceneWith({ field: { enabled: false }, stars: { enabled: false } });
  const seen = new Set<number>();
  for (let i = 0; i < 40; i++) {
    const m = sim.renderCutout(scene, lsst, { seed: 2, index: i, label: 0, size: 32 }).meta;
    const e = Number(m.exposure_scale);
    assert.ok(
      [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].some((v) => Math.abs(v - e) < 1e-12),
      `${e}`,
    );
    seen.add(e);
    const fwhm = Number(m.seeing_i);
    assert.ok(fwhm >= 0.71 * 0.75 * 0.8 && fwhm <= 0.71 * 1.6 * 1.25, `seeing_i ${fwhm}`);
    // deeper data, fainter 5σ depth: depth_i grows by 1.25 log10(exposure_scale ratio) in the sky-limited regime
    const again = sim.renderCutout(scene, lsst, { seed: 2, index: i, label: 0, size: 32 }).meta;
    assert.deepEqual(again, m);
  }
  assert.ok(seen.size >= 6, `${seen.size} distinct depths in 40 cutouts`);
  const band = { ...lsst.bands.i };
  const d10 = sim.pointSourceDepth(band, 0.2, lsst.read_noise);
  const d1 = sim.pointSourceDepth({ ...band, num_exposures: band.num_exposures / 10 }, 0.2, lsst.read_noise);
  // 10-year i-band depth ~26.8-27 (Ivezic et al. 2019, Table 1: 26.8); 10x shallower is ~1.25 mag brighter
  assert.ok(d10 > 26.7 && d10 < 27.2, `${d10}`);
  assert.ok(Math.abs(d10 - d1 - 1.25) < 0.05, `${d10 - d1}`);
});

test('Euclid Deep: 40-52 visits of the Wide depth, ~2 mag deeper, drawn by field area', () => {
  const wide = sim.loadSurvey('euclid');
  const deep = sim.loadSurvey('euclid-deep');
  // the same band as the Wide Survey's, named to its filter curve
  assert.deepEqual(deep.bands, { VIS: { ...wide.bands.VIS, filter: 'euclid-VIS' } });
  assert.equal(deep.pixel_scale, wide.pixel_scale);
  const counts = new Map<number, number>();
  const gain: number[] = [];
  for (let i = 0; i < 600; i++) {
    const c = sim.drawConditions(deep, ['VIS'], sim.Rng.forItem(3, i, 0));
    const visits = c.meta.exposure_scale;
    counts.set(visits, (counts.get(visits) ?? 0) + 1);
    const one = sim.pointSourceDepth(
      { ...c.bands[0], num_exposures: c.bands[0].num_exposures / visits },
      0.101,
      4.2,
    );
    gain.push(c.meta.depth_VIS - one - 1.25 * Math.log10(visits));
  }
  assert.deepEqual(
    [...counts.keys()].sort((a, b) => a - b),
    [40, 45, 52],
  );
  // area weights 20 : 23 : 10 of 53; binomial sd ~0.02
  assert.ok(Math.abs(counts.get(45)! / 600 - 23 / 53) < 0.06, `${counts.get(45)}`);
  // sky-limited: 2.5 log10 sqrt(visits) = 2.0-2.15 mag (Scaramella et al. 2022: ~2 mag deeper), and a little more,
  // because read noise weighs more in one visit than in many
  for (const g of gain) assert.ok(g >= 0 && g < 0.1, `depth gain beyond sqrt(visits): ${g}`);
});

test('field galaxies rendered in their visible box differ from full-frame rendering by < 5% of the sky noise', () => {
  const survey = lsst;
  const bands = ['g', 'r', 'i'];
  const grid = sim.sampleGrid(48, survey.pixel_scale, { factor: 2, centralFactor: 2, centralRadius: 0 });
  const models = bands.map((b) => sim.noiseModel(survey.bands[b], survey.pixel_scale, survey.read_noise));
  const drawer = new sim.SceneDrawer(sim.parseScene({}), survey, bands);
  const rng = new sim.Rng(8);
  let compared = 0;
  for (let i = 0; i < 6; i++) {
    const central = drawer.nonLens(rng);
    const field = drawer.field(central, 48 * survey.pixel_scale, rng);
    for (const light of field.lights.slice(0, 8)) {
      const full = sim.renderNoiseless(
        { lights: [light], points: [], mass: [], central: central.central, meta: {} },
        grid,
        3,
      ).total;
      const boxed = sim.renderLightsTruncated([light], grid, 3, models);
      for (let b = 0; b < 3; b++) {
        const sigma =
          Math.sqrt(models[b].skyPerPixel * models[b].exposureTotal + models[b].readVariance) /
          models[b].exposureTotal;
        for (let p = 0; p < full[b].length; p++)
          assert.ok(
            Math.abs(full[b][p] - boxed[b][p]) <= 0.05 * sigma,
            `band ${b} pixel ${p}: ${full[b][p]} vs ${boxed[b][p]}`,
          );
      }
      compared++;
    }
  }
  assert.ok(compared > 20);
});

test('a star is a point: its flux and its centroid are kept, through the PSF too', () => {
  const grid = sim.sampleGrid(32, 0.2, { factor: 1, centralFactor: 1, centralRadius: 0 });
  const planes = new sim.BandPlanes(32, 1);
  planes.clear();
  const x = 0.13,
    y = -0.47;
  sim.renderField(
    { lights: [], points: [{ x, y, flux: new Float64Array([100]) }], meta: {} },
    grid,
    planes,
    new Float64Array([1]),
  );
  const img = planes.view(planes.total(0)).slice();
  const sum = img.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - 100) < 1e-9, `${sum}`);
  let cx = 0,
    cy = 0;
  img.forEach((v, p) => {
    cx += (v * ((p % 32) - 15.5) * 0.2) / sum;
    cy += (v * (15.5 - Math.floor(p / 32)) * 0.2) / sum;
  });
  assert.ok(Math.abs(cx - x) < 1e-9 && Math.abs(cy - y) < 1e-9, `centroid ${cx} ${cy}`);
  const k = sim.psfKernel({ type: 'gaussian', fwhm: 0.7 }, 0.2, 31);
  planes.convolve(planes.total(0), planes.psf(0), k);
  const blurred = planes.view(planes.psf(0)).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(blurred - 100) < 1e-3, `${blurred}`);
  // an M dwarf is red, a turn-off star blue: g - i of Planck spectra at 3,300 K and 6,000 K
  const gi = (t: number) => population.starColor('lsst-g', t) - population.starColor('lsst-i', t);
  assert.ok(gi(3300) > 1.5 && gi(6000) < 0.9 && gi(6000) > 0.2, `${gi(3300)} ${gi(6000)}`);
});

/** Two-sample Kolmogorov-Smirnov statistic. */
function ks(a: number[], b: number[]): number {
  const x = [...a].sort((p, q) => p - q),
    y = [...b].sort((p, q) => p - q);
  let i = 0,
    j = 0,
    d = 0;
  while (i < x.length && j < y.length) {
    if (x[i] <= y[j]) i++;
    else j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

test("the preset's cuts keep lens deflectors and non-lens centrals alike (magnitude, size; KS at α = 0.001)", () => {
  const cfg = sim.dataset.loadSimulateConfig({ preset: 'lsst' });
  const n = 150;
  const metas = (label: 0 | 1) =>
    Array.from(
      { length: n },
      (_, i) => sim.renderCutout(cfg.scene, lsst, { seed: 13, index: i, label, size: 32 }).meta,
    );
  const lenses = metas(1),
    others = metas(0);
  const critical = 1.95 * Math.sqrt(2 / n);
  for (const key of ['deflector_mag', 'deflector_R']) {
    const d = ks(
      lenses.map((m) => Number(m[key])),
      others.map((m) => Number(m[key])),
    );
    assert.ok(d < critical, `${key}: KS D = ${d.toFixed(3)} >= ${critical.toFixed(3)}`);
  }
});

test('coverage knobs: sigma_boost reweights σ by σ^k, mag_slope 0 draws source magnitudes uniformly', () => {
  const boosted = population.populationSchema.parse({
    deflector: { sigma_boost: 2 },
    source: { mag_slope: 0 },
  });
  const lenses = new population.LensPopulation(boosted, cosmo, galaxies);
  const rng = new sim.Rng(19);
  const n = 4000;
  let mean = 0;
  const mags: number[] = [];
  for (let i = 0; i < n; i++) {
    mean += lenses.drawSigma(rng) / n;
    mags.push(population.drawCountsMag(0, 20, 27, rng));
  }
  const { sigma_star: s0, alpha, beta } = boosted.deflector;
  let num = 0,
    den = 0;
  for (let s = 100; s <= 400; s += 0.05) {
    const w = (Math.pow(s / s0, alpha + 6) * Math.exp(-Math.pow(s / s0, beta))) / s;
    num += s * w;
    den += w;
  }
  assert.ok(Math.abs(mean - num / den) < (4 * 45) / Math.sqrt(n), `mean σ ${mean} vs ${num / den}`);
  const below = mags.filter((m) => m < 23.5).length / n;
  assert.ok(Math.abs(below - 0.5) < 4 * Math.sqrt(0.25 / n), `${below}`);
});

test('min_arc_contrast: kept lenses show arcs at least that bright against the other light', () => {
  const scene = sim.parseScene({
    field: { enabled: false },
    stars: { enabled: false },
    detectability: { min_arc_contrast: 1, max_tries: 100 },
  });
  for (let i = 0; i < 8; i++) {
    const m = sim.renderCutout(scene, lsst, { seed: 6, index: i, label: 1, size: 48 }).meta;
    assert.ok(Number(m.arc_contrast) >= 1, JSON.stringify(m));
  }
});

test('theta_E_flat: θ_E uniform over the range; given θ_E, redshifts as in the physical population', () => {
  const flatPop = population.populationSchema.parse({ theta_E_flat: [0.75, 2.5] });
  const flat = new population.LensPopulation(flatPop, cosmo, galaxies);
  const physical = new population.LensPopulation(pop, cosmo, galaxies);
  const rng = new sim.Rng(23);
  const n = 2000;
  const bins = new Array<number>(5).fill(0);
  const inBin = (t: number) => t >= 1.0 && t < 1.35;
  const zFlat: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = flat.drawPair(rng);
    assert.ok(p.thetaE >= 0.75 && p.thetaE < 2.5, `θ_E ${p.thetaE}`);
    bins[Math.floor((p.thetaE - 0.75) / 0.35)]++;
    if (inBin(p.thetaE)) zFlat.push(p.deflector.z);
  }
  // binomial counts of a uniform θ_E: n/5 each, within 5 standard deviations
  for (const c of bins) assert.ok(Math.abs(c - n / 5) < 5 * Math.sqrt(n * 0.2 * 0.8), `bins ${bins}`);
  // the physical population draws far fewer wide lenses: its top fifth holds < 10% of its pairs in the range
  const zPhys: number[] = [];
  let top = 0,
    inRange = 0;
  for (let i = 0; i < 6000; i++) {
    const p = physical.drawPair(rng);
    if (p.thetaE >= 0.75 && p.thetaE < 2.5) inRange++;
    if (p.thetaE >= 2.15 && p.thetaE < 2.5) top++;
    if (inBin(p.thetaE)) zPhys.push(p.deflector.z);
  }
  assert.ok(top / inRange < 0.1, `physical top fifth ${top / inRange}`);
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const se = (a: number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)) / a.length);
  const tol = 4 * Math.hypot(se(zFlat), se(zPhys));
  assert.ok(
    Math.abs(mean(zFlat) - mean(zPhys)) < tol,
    `z_l | θ_E: ${mean(zFlat)} vs ${mean(zPhys)} (±${tol})`,
  );
});

test('light_sigma independent: the deflector light no longer follows the lensing σ; θ_E still does', () => {
  const corr = (a: number[], b: number[]) => {
    const m = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const [ma, mb] = [m(a), m(b)];
    let sab = 0,
      saa = 0,
      sbb = 0;
    for (let i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) ** 2;
      sbb += (b[i] - mb) ** 2;
    }
    return sab / Math.sqrt(saa * sbb);
  };
  const draw = (light: 'lens' | 'independent') => {
    const p = population.populationSchema.parse({ deflector: { light_sigma: light } });
    const lenses = new population.LensPopulation(p, cosmo, galaxies);
    const rng = new sim.Rng(29);
    const sigma: number[] = [],
      absMag: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const pair = lenses.drawPair(rng);
      const t = cosmo.einsteinRadius(pair.deflector.sigma, pair.deflector.z, pair.source.z);
      assert.ok(Math.abs(pair.thetaE - t) < 1e-12, 'θ_E follows the recorded (lensing) σ');
      sigma.push(pair.deflector.sigma);
      absMag.push(pair.deflector.refMag - cosmo.distanceModulus(pair.deflector.z));
    }
    return corr(sigma, absMag);
  };
  // brighter (more negative) magnitude with larger σ: Hyde & Bernardi (2009) plus 0.5 mag scatter
  const linked = draw('lens');
  assert.ok(linked < -0.5, `lens: corr(σ, M) ${linked}`);
  // independent draws: zero correlation within 4 standard errors (1/sqrt(2000))
  const free = draw('independent');
  assert.ok(Math.abs(free) < 4 / Math.sqrt(2000), `independent: corr(σ, M) ${free}`);
});

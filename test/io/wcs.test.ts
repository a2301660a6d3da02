// The TAN and TAN-SIP WCS against astropy.wcs (scripts/fixtures/wcs_tiles.py, Debian's python3-astropy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFits } from '../../src/io/fits.js';
import { parseWcs } from '../../src/io/wcs.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/wcs');

interface Ref {
  kinds: Record<
    string,
    {
      pix2world: { pixel: [number, number]; world: [number, number] }[];
      world2pix: { world: [number, number]; pixel: [number, number] }[];
    }
  >;
}
const ref = JSON.parse(readFileSync(path.join(DIR, 'reference.json'), 'utf8')) as Ref;

for (const kind of ['tan', 'sip']) {
  test(`WCS ${kind}: pixel <-> world as astropy's all_pix2world / all_world2pix`, () => {
    const file = path.join(DIR, `${kind}_g.fits`);
    const wcs = parseWcs(readFits(file)[0].header, file);
    let worst = 0;
    for (const { pixel, world } of ref.kinds[kind].pix2world) {
      const [ra, dec] = wcs.pixelToWorld(pixel[0], pixel[1]);
      // 1e-10 degrees = 0.36 micro-arcseconds
      worst = Math.max(
        worst,
        Math.abs(ra - world[0]) * Math.cos((dec * Math.PI) / 180),
        Math.abs(dec - world[1]),
      );
    }
    assert.ok(worst < 1e-10, `pixel -> world differs from astropy by ${worst} deg`);
    let worstPx = 0;
    for (const { world, pixel } of ref.kinds[kind].world2pix) {
      const [x, y] = wcs.worldToPixel(world[0], world[1]);
      worstPx = Math.max(worstPx, Math.abs(x - pixel[0]), Math.abs(y - pixel[1]));
    }
    assert.ok(worstPx < 1e-6, `world -> pixel differs from astropy by ${worstPx} px`);
  });
}

test('WCS: unsupported projections and missing keywords are named', () => {
  const base = {
    CTYPE1: 'RA---TAN',
    CTYPE2: 'DEC--TAN',
    CRVAL1: 10,
    CRVAL2: 20,
    CRPIX1: 1,
    CRPIX2: 1,
    CDELT1: -1e-4,
    CDELT2: 1e-4,
  };
  assert.throws(
    () => parseWcs({ ...base, CTYPE1: 'RA---SIN', CTYPE2: 'DEC--SIN' }, 't.fits'),
    /t\.fits: .*RA---SIN.*expected RA---TAN/,
  );
  assert.throws(
    () => parseWcs({ ...base, CRVAL2: undefined } as never, 't.fits'),
    /t\.fits: WCS keyword CRVAL2 must be a number/,
  );
  assert.throws(
    () => parseWcs({ ...base, CTYPE1: 'RA---TAN-SIP', CTYPE2: 'DEC--TAN-SIP' }, 't.fits'),
    /needs A_ORDER/,
  );
  // At the reference pixel: CRVAL exactly; the antipode has no pixel.
  const wcs = parseWcs(base, 't.fits');
  const [ra, dec] = wcs.pixelToWorld(0, 0);
  assert.ok(Math.abs(ra - 10) < 1e-12 && Math.abs(dec - 20) < 1e-12);
  assert.ok(wcs.worldToPixel(190, -20).every(Number.isNaN));
});

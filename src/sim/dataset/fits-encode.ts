import { emptyPrimaryHdu, imageExtensionHdu, tableExtensionHdu } from '../../io/fits-write.js';
import { encodeBinTable, type TableValue } from '../../io/fits-table.js';
import type { FitsCard } from '../../io/fits.js';
import type { DatasetDescription } from './describe.js';

/**
 * FITS output (`--format fits`) laid out as astropy users expect: an empty primary HDU, then one IMAGE extension
 * per band (EXTNAME = FILTER = the band, so `fits.getdata(f, 'r')` is the r band), each `[H, W]` for one cutout or
 * `[N, H, W]` for a shard, with BUNIT, MAGZERO and a tangent-plane WCS, and a MANIFEST binary table of the cutouts'
 * manifest rows. One HDU per band rather than one cube: FILTER and MAGZERO are single standard keywords per HDU,
 * and the image HDU is what ds9 and `WCS(header)` read without per-plane conventions.
 *
 * Rows are written bottom first (FITS's first row is the bottom): lensfind keeps row 0 at the top (y up when shown
 * with origin='upper'), so the file shows the sky the same way round as the previews in ds9 or `origin='lower'`.
 */
export function encodeCutoutFits(
  data: Float32Array,
  shape: readonly number[],
  desc: DatasetDescription,
  rows: readonly Record<string, TableValue>[],
  columns: readonly string[],
): Uint8Array {
  const [n, bands, h, w] = shape.length === 4 ? shape : [1, ...shape];
  const plane = h * w;
  const parts: Uint8Array[] = [
    emptyPrimaryHdu([
      { key: 'ORIGIN', value: 'lensfind simulate' },
      ...(desc.survey ? [{ key: 'SURVEY', value: desc.survey }] : []),
      { key: 'NBANDS', value: bands, comment: 'one IMAGE extension per band' },
      { key: 'NCUTOUT', value: n, comment: 'cutouts per band image' },
    ]),
  ];
  for (let b = 0; b < bands; b++) {
    const img = new Float32Array(n * plane);
    for (let i = 0; i < n; i++) {
      const from = (i * bands + b) * plane;
      for (let r = 0; r < h; r++) {
        img.set(data.subarray(from + r * w, from + (r + 1) * w), i * plane + (h - 1 - r) * w);
      }
    }
    const band = desc.bands[b] ?? `band${b}`;
    const cards: FitsCard[] = [
      { key: 'EXTNAME', value: band },
      { key: 'FILTER', value: band, comment: 'band' },
      ...(desc.units ? [{ key: 'BUNIT', value: desc.units, comment: 'pixel unit' }] : []),
      ...(desc.zero_points?.[band] !== undefined
        ? [{ key: 'MAGZERO', value: desc.zero_points[band], comment: 'AB mag of 1 BUNIT' }]
        : []),
      ...wcsCards(desc.pixel_scale, h, w, shape.length === 4),
    ];
    parts.push(imageExtensionHdu(img, shape.length === 4 ? [n, h, w] : [h, w], cards));
  }
  parts.push(tableExtensionHdu(encodeBinTable(columns, rows, 'MANIFEST')));
  return Buffer.concat(parts);
}

/**
 * A gnomonic (TAN) WCS centred on the cutout: North up, East left (x = -dRA cos(Dec), y = dDec, as lensfind's
 * arcsec coordinates), at a nominal sky position (simulated cutouts have none). A shard's third axis is the cutout
 * index, a linear axis, so `WCS(header).celestial` is the cutouts' WCS.
 */
function wcsCards(pixelScale: number | null, h: number, w: number, stacked: boolean): FitsCard[] {
  if (pixelScale === null) return [];
  const deg = pixelScale / 3600;
  return [
    { key: 'WCSAXES', value: stacked ? 3 : 2 },
    { key: 'CTYPE1', value: 'RA---TAN' },
    { key: 'CTYPE2', value: 'DEC--TAN' },
    { key: 'CRPIX1', value: (w + 1) / 2, comment: 'the cutout centre' },
    { key: 'CRPIX2', value: (h + 1) / 2, comment: 'the cutout centre' },
    { key: 'CRVAL1', value: 0, comment: 'nominal: simulated' },
    { key: 'CRVAL2', value: 0, comment: 'nominal: simulated' },
    { key: 'CDELT1', value: -deg, comment: 'deg/pixel: East left' },
    { key: 'CDELT2', value: deg, comment: 'deg/pixel: North up' },
    { key: 'CUNIT1', value: 'deg' },
    { key: 'CUNIT2', value: 'deg' },
    ...(stacked
      ? [
          { key: 'CTYPE3', value: 'CUTOUT', comment: 'index of the cutout in the shard' },
          { key: 'CRPIX3', value: 1 },
          { key: 'CRVAL3', value: 0 },
          { key: 'CDELT3', value: 1 },
        ]
      : []),
    { key: 'RADESYS', value: 'ICRS' },
    { key: 'PIXSCALE', value: pixelScale, comment: 'arcsec/pixel' },
  ];
}

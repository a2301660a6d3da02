import { writeFileAtomic } from './atomic.js';
import { DataError } from '../errors.js';
import { BLOCK, CARD, COMMENTARY, type FitsCard } from './fits.js';

// Writing FITS images as astropy does (byte-identical for the same array and cards; tested).

/** Python's `{value:.16G}` as astropy writes it (at least one '.' or 'E', two-digit exponents, <= 20 chars). */
function formatFloat(value: number): string {
  let text: string;
  if (value === 0) text = '0.0';
  else {
    const [mant, expText] = value.toExponential(15).split('e');
    const exp = Number(expText);
    if (exp < -4 || exp >= 16) {
      const m = mant.replace(/\.?0+$/, '');
      text = `${m}E${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    } else {
      text = value.toFixed(15 - exp);
      if (text.includes('.')) text = text.replace(/\.?0+$/, '');
      if (!text.includes('.')) text += '.0';
    }
  }
  if (text.length > 20) {
    const e = text.indexOf('E');
    text = e < 0 ? text.slice(0, 20) : text.slice(0, 20 - (text.length - e)) + text.slice(e);
  }
  return text;
}

function formatCard(card: FitsCard): string {
  const key = card.key.toUpperCase();
  if (COMMENTARY.has(key)) return `${key.padEnd(8)}${String(card.value ?? '')}`.slice(0, CARD).padEnd(CARD);
  if (!/^[A-Z0-9_-]{1,8}$/.test(key)) {
    throw new DataError(
      `FITS header keyword '${card.key}' is invalid (1-8 characters of A-Z, 0-9, '-', '_')`,
    );
  }
  const v = card.value;
  let value: string;
  if (typeof v === 'string') value = v === '' ? "''" : `'${v.replace(/'/g, "''").padEnd(8)}'`.padEnd(20);
  else if (typeof v === 'boolean') value = (v ? 'T' : 'F').padStart(20);
  else if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 53 && !Object.is(v, -0))
    value = String(v).padStart(20);
  else if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new DataError(`FITS header keyword ${key}: value ${v} cannot be written (not finite)`);
    value = formatFloat(v).padStart(20);
  } else value = '';
  const text = `${key.padEnd(8)}= ${value}${card.comment ? ` / ${card.comment}` : ''}`;
  if (text.length > CARD && typeof v === 'string' && value.length > CARD - 10) {
    throw new DataError(
      `FITS header keyword ${key}: string value too long for one card (${v.length} characters)`,
    );
  }
  return text.slice(0, CARD).padEnd(CARD);
}

/** Keywords the writer sets itself from the data; given cards with these names are dropped. */
const STRUCTURAL = /^(SIMPLE|BITPIX|NAXIS\d*|EXTEND|XTENSION|PCOUNT|GCOUNT|BSCALE|BZERO|END)$/;

/**
 * Encodes a float32 (BITPIX -32) or float64 (-64) array as a single-HDU FITS file, with the same bytes
 * astropy's `fits.PrimaryHDU(data, header).writeto()` produces. `shape` is in NumPy order.
 */
export function encodeFits(
  data: Float32Array | Float64Array,
  shape: readonly number[],
  cards: readonly FitsCard[] = [],
): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new DataError(
      `encodeFits: shape [${shape.join(', ')}] holds ${count} values but the data has ${data.length}`,
    );
  }
  const bitpix = data instanceof Float32Array ? -32 : -64;
  const head: FitsCard[] = [
    { key: 'SIMPLE', value: true, comment: 'conforms to FITS standard' },
    { key: 'BITPIX', value: bitpix, comment: 'array data type' },
    { key: 'NAXIS', value: shape.length, comment: 'number of array dimensions' },
    ...shape
      .slice()
      .reverse()
      .map((n, i) => ({ key: `NAXIS${i + 1}`, value: n })),
    // As astropy: EXTEND = T only when no header is given (it is optional for a single HDU).
    ...(cards.length === 0 ? [{ key: 'EXTEND', value: true }] : []),
    ...cards.filter((c) => !STRUCTURAL.test(c.key.toUpperCase())),
  ];
  const text = head.map(formatCard).join('') + 'END'.padEnd(CARD);
  const headerBytes = Math.ceil(text.length / BLOCK) * BLOCK;
  const dataBytes = Math.ceil(data.byteLength / BLOCK) * BLOCK;
  const out = new Uint8Array(headerBytes + dataBytes);
  out.fill(0x20, 0, headerBytes);
  out.set(Buffer.from(text, 'latin1'), 0);
  const view = new DataView(out.buffer, headerBytes);
  if (data instanceof Float32Array)
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], false);
  else for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i], false);
  return out;
}

/** Writes a FITS image atomically (see encodeFits). */
export function writeFits(
  file: string,
  data: Float32Array | Float64Array,
  shape: readonly number[],
  cards?: readonly FitsCard[],
): void {
  writeFileAtomic(file, encodeFits(data, shape, cards));
}

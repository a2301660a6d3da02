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

/** Header cards + END, padded with spaces to whole blocks. */
function headerBytes(cards: readonly FitsCard[]): Uint8Array {
  const text = cards.map(formatCard).join('') + 'END'.padEnd(CARD);
  const out = new Uint8Array(Math.ceil(text.length / BLOCK) * BLOCK).fill(0x20);
  out.set(Buffer.from(text, 'latin1'), 0);
  return out;
}

/** Big-endian pixels padded with zeros to whole blocks. */
function dataBytes(data: Float32Array | Float64Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.byteLength / BLOCK) * BLOCK);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array)
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], false);
  else for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i], false);
  return out;
}

function checkShape(data: Float32Array | Float64Array, shape: readonly number[], who: string): void {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new DataError(
      `${who}: shape [${shape.join(', ')}] holds ${count} values but the data has ${data.length}`,
    );
  }
}

const axisCards = (shape: readonly number[]): FitsCard[] =>
  shape
    .slice()
    .reverse()
    .map((n, i) => ({ key: `NAXIS${i + 1}`, value: n, comment: `length of data axis ${i + 1}` }));

/** A primary HDU without data (the first HDU of a file whose images are extensions). */
export function emptyPrimaryHdu(cards: readonly FitsCard[] = []): Uint8Array {
  return headerBytes([
    { key: 'SIMPLE', value: true, comment: 'conforms to FITS standard' },
    { key: 'BITPIX', value: 8, comment: 'array data type' },
    { key: 'NAXIS', value: 0, comment: 'number of array dimensions' },
    { key: 'EXTEND', value: true },
    ...cards.filter((c) => !STRUCTURAL.test(c.key.toUpperCase())),
  ]);
}

/** An IMAGE extension HDU of float32 or float64 pixels; `shape` in NumPy order, data written as given. */
export function imageExtensionHdu(
  data: Float32Array | Float64Array,
  shape: readonly number[],
  cards: readonly FitsCard[] = [],
): Uint8Array {
  checkShape(data, shape, 'imageExtensionHdu');
  const head = headerBytes([
    { key: 'XTENSION', value: 'IMAGE', comment: 'Image extension' },
    { key: 'BITPIX', value: data instanceof Float32Array ? -32 : -64, comment: 'array data type' },
    { key: 'NAXIS', value: shape.length, comment: 'number of array dimensions' },
    ...axisCards(shape),
    { key: 'PCOUNT', value: 0, comment: 'number of parameters' },
    { key: 'GCOUNT', value: 1, comment: 'number of groups' },
    ...cards.filter((c) => !STRUCTURAL.test(c.key.toUpperCase())),
  ]);
  return Buffer.concat([head, dataBytes(data)]);
}

/** A BINTABLE HDU from encodeBinTable's cards and rows (padded with zeros to whole blocks). */
export function tableExtensionHdu(table: { cards: readonly FitsCard[]; data: Uint8Array }): Uint8Array {
  const data = new Uint8Array(Math.ceil(table.data.length / BLOCK) * BLOCK);
  data.set(table.data);
  return Buffer.concat([headerBytes(table.cards), data]);
}

/**
 * Encodes a float32 (BITPIX -32) or float64 (-64) array as a single-HDU FITS file, with the same bytes
 * astropy's `fits.PrimaryHDU(data, header).writeto()` produces. `shape` is in NumPy order.
 */
export function encodeFits(
  data: Float32Array | Float64Array,
  shape: readonly number[],
  cards: readonly FitsCard[] = [],
): Uint8Array {
  checkShape(data, shape, 'encodeFits');
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
  return Buffer.concat([headerBytes(head), dataBytes(data)]);
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

import { readRegularFile } from './read-fd.js';
import { DataError } from '../errors.js';

/**
 * Reading FITS images (the primary HDU and IMAGE extensions; writing is in fits-write.ts) in plain TypeScript: 2880-byte blocks of 80-character
 * header cards, then big-endian data. Shapes are in NumPy order: `[NAXIS3, NAXIS2, NAXIS1]`.
 */
export type FitsValue = string | number | boolean | null;
export interface FitsCard {
  key: string;
  value: FitsValue;
  comment?: string;
}
export type FitsData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

export interface FitsHdu {
  /** 0 for the primary HDU, then 1, 2, ... */
  index: number;
  /** 'PRIMARY', or the XTENSION value ('IMAGE', 'BINTABLE', ...). */
  kind: string;
  cards: FitsCard[];
  /** Keyword → value (the last card wins; commentary cards are only in `cards`). */
  header: Record<string, FitsValue>;
  bitpix: number;
  /** NumPy order; [] when the HDU has no data. */
  shape: number[];
  /** Pixel values with BSCALE/BZERO applied; null for an HDU without data or a non-image extension. */
  data: FitsData | null;
  /** A table extension's data bytes (rows and heap, as stored); see fits-table.ts. */
  raw?: Uint8Array;
}

/** FITS files are 2880-byte blocks; header cards are 80 characters. */
export const BLOCK = 2880;
export const CARD = 80;
/** Cards whose text is free-form (no `= value`). */
export const COMMENTARY = new Set(['COMMENT', 'HISTORY', '']);

function parseValue(text: string): { value: FitsValue; comment?: string } {
  const s = text.replace(/^ +/, '');
  if (s.startsWith("'")) {
    let value = '';
    let i = 1;
    for (; i < s.length; i++) {
      if (s[i] === "'") {
        if (s[i + 1] === "'") {
          value += "'";
          i++;
        } else break;
      } else value += s[i];
    }
    const rest = s.slice(i + 1);
    const slash = rest.indexOf('/');
    const comment = slash >= 0 ? rest.slice(slash + 1).trim() : undefined;
    return { value: value.replace(/ +$/, ''), comment: comment || undefined };
  }
  const slash = s.indexOf('/');
  const raw = (slash >= 0 ? s.slice(0, slash) : s).trim();
  const comment = slash >= 0 ? s.slice(slash + 1).trim() || undefined : undefined;
  if (raw === '') return { value: null, comment };
  if (raw === 'T') return { value: true, comment };
  if (raw === 'F') return { value: false, comment };
  const num = Number(raw.replace(/[dD]/, 'E'));
  return { value: Number.isNaN(num) ? raw : num, comment };
}

function parseCard(card: string): FitsCard {
  if (card.startsWith('HIERARCH ')) {
    const eq = card.indexOf('=');
    if (eq > 0) return { key: card.slice(9, eq).trim(), ...parseValue(card.slice(eq + 1)) };
  }
  const key = card.slice(0, 8).trim();
  if (COMMENTARY.has(key) || card.slice(8, 10) !== '= ') {
    return { key, value: key === 'CONTINUE' ? parseValue(card.slice(8)).value : card.slice(8).trimEnd() };
  }
  return { key, ...parseValue(card.slice(10)) };
}

/** Reads header cards from `offset` up to END; returns the cards and the offset of the data (block aligned). */
export function readHeader(
  buf: Uint8Array,
  offset: number,
  source: string,
): { cards: FitsCard[]; dataStart: number } {
  const cards: FitsCard[] = [];
  for (let pos = offset; pos + CARD <= buf.length; pos += CARD) {
    const text = Buffer.from(buf.subarray(pos, pos + CARD)).toString('latin1');
    if (/[^\x20-\x7e]/.test(text)) {
      throw new DataError(
        `${source}: invalid FITS header: non-ASCII bytes in the card at byte ${pos}`,
        source,
      );
    }
    if (text.startsWith('END') && text.slice(3).trim() === '') {
      return { cards, dataStart: Math.ceil((pos + CARD) / BLOCK) * BLOCK };
    }
    const card = parseCard(text);
    const prev = cards[cards.length - 1];
    // Long strings (the CONTINUE convention): a value ending in '&' continues on the next card.
    if (card.key === 'CONTINUE' && prev && typeof prev.value === 'string' && prev.value.endsWith('&')) {
      prev.value = prev.value.slice(0, -1) + (typeof card.value === 'string' ? card.value : '');
    } else cards.push(card);
  }
  throw new DataError(
    `${source}: truncated or invalid FITS file: header starting at byte ${offset} has no END card`,
    source,
  );
}

export function intKey(
  header: Record<string, FitsValue>,
  key: string,
  source: string,
  hdu: number,
  dflt?: number,
): number {
  const v = header[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new DataError(
      `${source}: HDU ${hdu}: header keyword ${key} must be an integer, found ${JSON.stringify(v ?? null)}`,
      source,
    );
  }
  return v;
}

/** Copies big-endian bytes into a fresh little-endian typed array. */
export function fromBigEndian(bytes: Uint8Array, bitpix: number): FitsData {
  const size = Math.abs(bitpix) / 8;
  const copy = new Uint8Array(bytes.length);
  if (size === 1) copy.set(bytes);
  else {
    for (let i = 0; i < bytes.length; i += size)
      for (let k = 0; k < size; k++) copy[i + k] = bytes[i + size - 1 - k];
  }
  switch (bitpix) {
    case 8:
      return copy;
    case 16:
      return new Int16Array(copy.buffer);
    case 32:
      return new Int32Array(copy.buffer);
    case 64:
      return new BigInt64Array(copy.buffer);
    case -32:
      return new Float32Array(copy.buffer);
    default:
      return new Float64Array(copy.buffer);
  }
}

/** Applies BSCALE/BZERO (and BLANK → NaN), following astropy's choice of output types. */
export function scale(raw: FitsData, bitpix: number, header: Record<string, FitsValue>): FitsData {
  const bscale = typeof header.BSCALE === 'number' ? header.BSCALE : 1;
  const bzero = typeof header.BZERO === 'number' ? header.BZERO : 0;
  if (bscale === 1 && bzero === 0) return raw;
  // The unsigned/signed integer conventions: an offset that only changes the integer type.
  if (bscale === 1) {
    if (bitpix === 16 && bzero === 32768) return Uint16Array.from(raw as Int16Array, (v) => v + 32768);
    if (bitpix === 32 && bzero === 2147483648)
      return Uint32Array.from(raw as Int32Array, (v) => v + 2147483648);
    if (bitpix === 8 && bzero === -128) return Int8Array.from(raw as Uint8Array, (v) => v - 128);
  }
  const blank = bitpix > 0 && typeof header.BLANK === 'number' ? header.BLANK : undefined;
  const out =
    bitpix === 8 || bitpix === 16 || bitpix === -32
      ? new Float32Array(raw.length)
      : new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = Number(raw[i]);
    out[i] = v === blank ? NaN : v * bscale + bzero;
  }
  return out;
}

/** Decodes every HDU of a FITS file held in memory; `source` names the file in errors. */
export function decodeFits(buf: Uint8Array, source = '<buffer>'): FitsHdu[] {
  if (buf.length < CARD || Buffer.from(buf.subarray(0, 9)).toString('latin1') !== 'SIMPLE  =') {
    throw new DataError(`${source}: not a FITS file (it does not start with the SIMPLE keyword)`, source);
  }
  const hdus: FitsHdu[] = [];
  let offset = 0;
  while (offset + CARD <= buf.length) {
    const index = hdus.length;
    if (index > 0) {
      const start = Buffer.from(buf.subarray(offset, offset + 8)).toString('latin1');
      if (start !== 'XTENSION') break; // trailing padding or foreign bytes after the last HDU
    }
    const { cards, dataStart } = readHeader(buf, offset, source);
    const header: Record<string, FitsValue> = {};
    for (const c of cards) if (!COMMENTARY.has(c.key)) header[c.key] = c.value;
    const kind = index === 0 ? 'PRIMARY' : String(header.XTENSION ?? '').trim();
    const bitpix = intKey(header, 'BITPIX', source, index);
    if (![8, 16, 32, 64, -32, -64].includes(bitpix)) {
      throw new DataError(
        `${source}: HDU ${index}: BITPIX ${bitpix} is invalid (expected 8, 16, 32, 64, -32 or -64)`,
        source,
      );
    }
    const naxis = intKey(header, 'NAXIS', source, index);
    const axes: number[] = [];
    for (let k = 1; k <= naxis; k++) axes.push(intKey(header, `NAXIS${k}`, source, index));
    const pcount = intKey(header, 'PCOUNT', source, index, 0);
    const gcount = intKey(header, 'GCOUNT', source, index, 1);
    const count = naxis === 0 ? 0 : axes.reduce((a, b) => a * b, 1);
    const bytes = (Math.abs(bitpix) / 8) * gcount * (pcount + count);
    if (dataStart + bytes > buf.length) {
      throw new DataError(
        `${source}: truncated FITS file: HDU ${index} needs ${bytes} bytes of data from byte ${dataStart}, the file has ${Math.max(0, buf.length - dataStart)}`,
        source,
      );
    }
    const isImage = kind === 'PRIMARY' || kind === 'IMAGE';
    const data =
      isImage && count > 0
        ? scale(fromBigEndian(buf.subarray(dataStart, dataStart + bytes), bitpix), bitpix, header)
        : null;
    const raw = !isImage && count > 0 ? buf.subarray(dataStart, dataStart + bytes) : undefined;
    hdus.push({ index, kind, cards, header, bitpix, shape: data ? axes.slice().reverse() : [], data, raw });
    offset = dataStart + Math.ceil(bytes / BLOCK) * BLOCK;
  }
  return hdus;
}

/** Reads all HDUs of a FITS file (a path or the file's bytes). */
export function readFits(file: string | Uint8Array): FitsHdu[] {
  if (typeof file !== 'string') return decodeFits(file);
  const buf = readRegularFile(file);
  return decodeFits(buf, file);
}

import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeNpy } from '../../src/io/npy.js';
import { writeCsv, type CsvRow } from '../../src/io/csv.js';
import { writeParquetCatalog } from '../../src/predict/catalog.js';
import { mulberry32 } from './mulberry32.js';

export const BANDS = 3;
export const SIZE = 16;
/** A catalogue text that would run script if it were ever parsed as HTML. */
export const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

export interface WebCatalog {
  dir: string;
  file: string;
  n: number;
  /** Scores by catalogue row: a permutation, so the order by score is known. */
  scores: number[];
  pixels: Float32Array;
}

/**
 * A folder with `images/shard.npy` ([n, 3, 16, 16] float32, seeded noise plus a bright centre) and a catalogue
 * (`cands.csv` or `.parquet`) naming its rows as `images/shard.npy#k`, with a score, a text column holding
 * markup, and a numeric column. `imageRows` cutouts are stored; catalogue rows past them reuse them cyclically.
 */
export function makeWebCatalog(
  n: number,
  format: 'csv' | 'parquet' = 'csv',
  imageRows = Math.min(n, 64),
  dir = mkdtempSync(path.join(os.tmpdir(), 'lensfind-web-')),
): WebCatalog {
  const rand = mulberry32(7);
  const plane = SIZE * SIZE;
  const pixels = new Float32Array(imageRows * BANDS * plane);
  for (let i = 0; i < pixels.length; i++) {
    const p = i % plane;
    const [y, x] = [Math.floor(p / SIZE) - SIZE / 2, (p % SIZE) - SIZE / 2];
    pixels[i] = rand() * 0.2 + 5 * Math.exp(-(x * x + y * y) / 8) * (1 + (Math.floor(i / plane) % BANDS));
  }
  mkdirSync(path.join(dir, 'images'), { recursive: true });
  writeNpy(path.join(dir, 'images/shard.npy'), pixels, [imageRows, BANDS, SIZE, SIZE]);
  // score of row k: a fixed permutation of k / n (multiplier coprime with n).
  const mult = [7919, 104729, 1299709].find((m) => n % m !== 0 && gcd(m, n) === 1)!;
  const scores = Array.from({ length: n }, (_, k) => ((k * mult) % n) / n);
  const row = (k: number): CsvRow => ({
    id: `cand-${k}`,
    path: `images/shard.npy#${k % imageRows}`,
    score: scores[k],
    theta_E: 0.5 + (k % 10) / 10,
    note: k === 0 ? HOSTILE : k % 3 === 0 ? 'ring' : 'arc',
  });
  const columns = ['id', 'path', 'score', 'theta_E', 'note'];
  const file = path.join(dir, `cands.${format}`);
  if (format === 'csv')
    writeCsv(
      file,
      Array.from({ length: n }, (_, k) => row(k)),
      columns,
    );
  else writeParquetCatalog(file, columns, n, row);
  return { dir, file, n, scores, pixels };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

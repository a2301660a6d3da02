/**
 * `lensfind sersic predict`: posteriors for cutouts in a file. Input: a `.npy` stack [N, bands, H, W] (or [N, H, W]
 * for one band, or one [H, W] image) or a FITS image/cube of the same shapes, in the simulator's units (e-/s per
 * pixel, sky-subtracted, row 0 the top) at the run's survey depth; they are normalised as in training. Output: a
 * table (.csv or .parquet) with one row per cutout and, per parameter, mean, median, std and the 2.5/16/84/97.5
 * percentiles; optionally all draws as `.npy` [N, S, D] (float32, the run's parameter order).
 */
import path from 'node:path';
import { DataError } from '../errors.js';
import { readNpy, writeNpy } from '../io/npy.js';
import { readFitsImage } from '../io/fits-image.js';
import { writeCsv } from '../io/csv.js';
import { catalogFormat, writeParquetCatalog } from '../predict/catalog.js';
import { availableParallelism } from 'node:os';
import { Generator } from '../torch/random.js';
import { setNumThreads } from '../torch/threads.js';
import { makeRenderer, normalizeImages } from './data.js';
import { samplePosterior, summaryRows } from './posterior.js';
import { loadSersicRun } from './run.js';

/** Cutouts of a file as float32 [N, bands, size, size], checked against the run's bands and size. */
export function readCutouts(file: string, bands: number, size: number): { x: Float32Array; n: number } {
  const ext = path.extname(file).toLowerCase();
  let data: Float32Array, shape: number[];
  if (ext === '.npy') {
    const a = readNpy(file);
    data =
      a.data instanceof Float32Array
        ? a.data
        : Float32Array.from(a.data as ArrayLike<number | bigint>, Number);
    shape = a.shape;
  } else if (ext === '.fits' || ext === '.fit' || ext === '.fz') {
    const f = readFitsImage(file);
    data = f.data;
    shape = f.shape;
  } else throw new DataError(`${file}: expected a .npy or .fits file of cutouts`, file);
  const hw = shape.slice(-2);
  if (hw[0] !== size || hw[1] !== size)
    throw new DataError(`${file}: cutouts are ${hw.join('x')}, the run was trained on ${size}x${size}`, file);
  const lead = shape.slice(0, -2);
  const c = bands === 1 && (lead.length < 2 || lead[lead.length - 1] !== 1) ? 1 : lead[lead.length - 1];
  if (c !== bands)
    throw new DataError(`${file}: shape [${shape.join(', ')}] has no ${bands}-band axis before H, W`, file);
  return { x: data, n: data.length / (bands * size * size) };
}

export interface SersicPredictOptions {
  run: string;
  input: string;
  out: string;
  samples?: number;
  samplesOut?: string;
  seed?: number;
  which?: 'best' | 'last';
}

export function predictSersic(opts: SersicPredictOptions): { rows: number; out: string } {
  const run = loadSersicRun(opts.run, opts.which ?? 'best');
  const { config, space, net } = run;
  setNumThreads(config.threads ?? availableParallelism());
  const format = catalogFormat(opts.out);
  const { x, n } = readCutouts(opts.input, config.bands.length, config.image_size);
  const renderer = makeRenderer(config, space);
  const xn = normalizeImages(
    Float32Array.from(x),
    renderer.bands.map((b) => b.sigma),
    config.image_size ** 2,
  );
  const S = opts.samples ?? 1000;
  const draws = samplePosterior(net, space, xn, n, S, { generator: new Generator(opts.seed ?? 0) });
  const rows = summaryRows(space, draws, n, S);
  const columns = Object.keys(rows[0] ?? { id: '' });
  if (format === 'parquet') writeParquetCatalog(opts.out, columns, rows.length, (k) => rows[k]);
  else writeCsv(opts.out, rows, columns);
  if (opts.samplesOut) writeNpy(opts.samplesOut, Float32Array.from(draws), [n, S, space.dim], 'float32');
  return { rows: n, out: opts.out };
}

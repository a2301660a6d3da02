/** The cutouts of one file (.npy stack or FITS image/cube), checked against a run's bands and size. */
import path from 'node:path';
import { DataError } from '../errors.js';
import { readNpy } from '../io/npy.js';
import { readFitsImage } from '../io/fits-image.js';

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

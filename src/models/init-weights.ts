import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import type { Module } from '../torch/nn/index.js';
import type { Tensor } from '../torch/tensor.js';
import { loadSafetensors } from '../torch/serialization.js';
import { loadPt, looksLikePt } from '../torch/pt-file.js';
import { noGrad } from '../torch/autograd.js';
import { scope } from '../torch/scope.js';
import { cat } from '../torch/ops.js';
import * as F from '../torch/functional.js';
import { DataError, LensfindError } from '../errors.js';

/** What `loadInitWeights` did with each key of the model. */
export interface InitWeightsReport {
  /** Copied unchanged. */
  loaded: string[];
  /** Copied after adaptation (input conv to another number of bands, position embedding to another grid). */
  adapted: string[];
  /** Kept at their fresh initialisation: the classifier head when its shape differs (e.g. 1000 classes -> 1 logit). */
  skipped: string[];
  /** Keys of the file the model has no place for (with strict: false). */
  unused: string[];
}

export interface InitWeightsOptions {
  /** Fail on keys missing from the file or left unused (default true); head and adaptable keys are always allowed. */
  strict?: boolean;
}

/** Classifier keys of the lensfind models (torchvision's `fc`, `heads.head`), re-initialised when their shape differs. */
const HEAD_KEYS = /^(fc|heads\.head|head)\.(weight|bias)$/;
/** First convolutions, adapted to the number of bands. */
const INPUT_CONV_KEYS = /^(conv1|conv_proj|stem\.0\.0|features\.0\.0)\.weight$/;
const POS_EMBEDDING_KEYS = /(^|\.)pos_embedding$/;

/** Names from other sources mapped to lensfind's (torchvision's current) names. */
export function mapSourceKey(key: string): string {
  let k = key.replace(/^(module\.|model\.)+/, ''); // DataParallel / Lightning wrappers
  k = k.replace(/\.mlp\.linear_1\./, '.mlp.0.').replace(/\.mlp\.linear_2\./, '.mlp.3.'); // torchvision < 0.14 ViT
  return k;
}

/**
 * Weights of a first convolution [O, C, kh, kw] for `bands` inputs (timm's adapt_input_conv, generalised): more bands
 * repeat the channels cyclically, fewer use the channel mean; both scaled by C / bands so an image with equal bands
 * gives the same response as before.
 */
export function adaptInputConv(weight: Tensor, bands: number): Tensor {
  const c = weight.shape[1];
  if (bands === c) return weight.clone();
  if (bands < c)
    return weight
      .mean(1, true)
      .repeat(1, bands, 1, 1)
      .mul(c / bands);
  return weight
    .repeat(1, Math.ceil(bands / c), 1, 1)
    .slice(1, 0, bands)
    .mul(c / bands);
}

/**
 * A position embedding [1, (cls) + g*g, E] resized to [1, (cls) + g'*g', E] by bilinear interpolation of its grid
 * (torchvision's interpolate_embeddings uses bicubic; bilinear is close and enough for a starting point).
 */
export function resizePosEmbedding(pos: Tensor, targetLength: number): Tensor {
  const [, n, e] = pos.shape;
  const hasCls = !Number.isInteger(Math.sqrt(n));
  const extra = hasCls ? 1 : 0;
  const g = Math.round(Math.sqrt(n - extra));
  const g2 = Math.round(Math.sqrt(targetLength - extra));
  if (g * g !== n - extra || g2 * g2 !== targetLength - extra) {
    throw new LensfindError(
      'E_INIT_WEIGHTS',
      `cannot resize a position embedding of length ${n} to ${targetLength}`,
    );
  }
  const grid = pos
    .narrow(1, extra, g * g)
    .reshape(1, g, g, e)
    .permute(0, 3, 1, 2);
  const resized = F.interpolate(grid, { size: [g2, g2], mode: 'bilinear', alignCorners: false })
    .permute(0, 2, 3, 1)
    .reshape(1, g2 * g2, e);
  return hasCls ? cat([pos.narrow(1, 0, 1), resized], 1) : resized;
}

const shapeText = (s: number[]) => `[${s.join(', ')}]`;
const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

function firstBytes(file: string): Uint8Array {
  const head = new Uint8Array(2);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  return head;
}

/** One short log line for a load: counts per outcome and the first few names of the partial ones. */
export function summarizeInitWeights(report: InitWeightsReport): string {
  const parts = [`${report.loaded.length} loaded`];
  if (report.adapted.length) parts.push(`${report.adapted.length} adapted (${listKeys(report.adapted, 3)})`);
  if (report.skipped.length)
    parts.push(`${report.skipped.length} re-initialised (${listKeys(report.skipped, 3)})`);
  if (report.unused.length) parts.push(`${report.unused.length} unused (${listKeys(report.unused, 3)})`);
  return parts.join(', ');
}

/**
 * Loads initial weights from a local safetensors file or PyTorch `.pt`/`.pth` state dict (`--init-weights PATH`; nothing is downloaded) into `model`.
 * torchvision state dicts load as they are: the classifier is re-initialised when its shape differs, the first
 * convolution is adapted to the number of bands, a ViT position embedding is resized to the image size. Any other
 * missing key or shape mismatch is an error that lists them all.
 */
export function loadInitWeights(
  model: Module,
  file: string,
  options: InitWeightsOptions = {},
): InitWeightsReport {
  const strict = options.strict ?? true;
  if (!existsSync(file)) throw new DataError(`--init-weights ${file}: no such file`, file);
  let raw: Map<string, Tensor>;
  const pt = looksLikePt(firstBytes(file));
  try {
    raw = pt ? loadPt(file) : loadSafetensors(file);
  } catch (err) {
    const what = pt ? 'PyTorch .pt/.pth state dict' : 'safetensors file';
    const why = (err as Error).message.replace(`${file}: `, ''); // the readers name the file too
    throw new DataError(`--init-weights ${file}: not a readable ${what}: ${why}`, file);
  }
  const source = new Map<string, Tensor>();
  for (const [k, v] of raw) source.set(mapSourceKey(k), v);

  try {
    return loadInto(model, file, source, strict);
  } finally {
    for (const t of raw.values()) t.dispose();
  }
}

function loadInto(
  model: Module,
  file: string,
  source: Map<string, Tensor>,
  strict: boolean,
): InitWeightsReport {
  const report: InitWeightsReport = { loaded: [], adapted: [], skipped: [], unused: [] };
  const problems: string[] = [];
  const missing: string[] = [];
  const target = model.stateDict();
  return scope(() => {
    const values = new Map<string, Tensor>();
    for (const [key, current] of target) {
      const src = source.get(key);
      if (!src) {
        if (key.endsWith('num_batches_tracked')) {
          values.set(key, current);
          continue;
        }
        missing.push(key);
        values.set(key, current);
        continue;
      }
      if (sameShape(src.shape, current.shape)) {
        values.set(key, src.to(current.dtype));
        report.loaded.push(key);
      } else if (HEAD_KEYS.test(key)) {
        values.set(key, current);
        report.skipped.push(key);
      } else if (
        INPUT_CONV_KEYS.test(key) &&
        src.ndim === 4 &&
        sameShape([src.shape[0], ...src.shape.slice(2)], [current.shape[0], ...current.shape.slice(2)])
      ) {
        values.set(key, adaptInputConv(src.to(current.dtype), current.shape[1]));
        report.adapted.push(key);
      } else if (
        POS_EMBEDDING_KEYS.test(key) &&
        src.ndim === 3 &&
        src.shape[2] === current.shape[2] &&
        safeResizable(src.shape[1], current.shape[1])
      ) {
        values.set(key, resizePosEmbedding(src.to(current.dtype), current.shape[1]));
        report.adapted.push(key);
      } else {
        problems.push(`${key}: file ${shapeText(src.shape)}, model ${shapeText(current.shape)}`);
        values.set(key, current);
      }
    }
    for (const key of source.keys()) if (!target.has(key)) report.unused.push(key);
    if (problems.length > 0) {
      throw new LensfindError(
        'E_INIT_WEIGHTS',
        `--init-weights ${file}: shapes differ from the model's for ${problems.length} key(s): ${problems.join('; ')}`,
      );
    }
    if (strict && (missing.length > 0 || report.unused.length > 0)) {
      const parts = [];
      if (missing.length) parts.push(`missing from the file: ${listKeys(missing)}`);
      if (report.unused.length) parts.push(`not in the model: ${listKeys(report.unused)}`);
      throw new LensfindError(
        'E_INIT_WEIGHTS',
        `--init-weights ${file}: keys do not match the model (${parts.join('; ')}). Is it the same architecture?`,
      );
    }
    noGrad(() => model.loadStateDict(values, { strict: true }));
    return report;
  });
}

function safeResizable(from: number, to: number): boolean {
  const square = (n: number) => Number.isInteger(Math.sqrt(n));
  return (square(from - 1) && square(to - 1)) || (square(from) && square(to));
}

function listKeys(keys: string[], first = 8): string {
  return keys.length <= first
    ? keys.join(', ')
    : `${keys.slice(0, first).join(', ')} and ${keys.length - first} more`;
}

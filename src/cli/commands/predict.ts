import type { Command } from '../command.js';
import { intFlag } from '../flags.js';
import { LensfindError } from '../../errors.js';
import { DATA_FORMATS, type DataFormat } from '../../data/index.js';
import { Progress } from '../../log/progress.js';
import { methodOptions, parseMethod, runsAndWeights } from './ensemble.js';

export const predictCommand: Command = {
  name: 'predict',
  summary:
    'Score unlabeled cutouts (a dataset in any reader format, a folder of .npy/.fits/.png files, or an .npy/.npz stack) ' +
    'in streamed batches; write the catalogue sorted by score (id, path, score, rank, logit) and rejected.csv.',
  usage:
    "--run RUN | --runs R1 R2 ... (--input PATH | --tiles 'tile_{band}.fits' --catalog objects.csv --bands g,r,i) " +
    '[--out catalog.csv|catalog.parquet] [--batch-size N] [--tta] ' +
    '[--backend onnx|torch] [--shard i/N]',
  allowPositionals: true,
  options: {
    run: { type: 'string', short: 'r', description: 'the run folder', valueName: 'RUN' },
    ...methodOptions,
    input: { type: 'string', short: 'i', description: 'cutouts to score', valueName: 'PATH' },
    tiles: {
      type: 'string',
      description:
        "survey tiles, one FITS per band: 'tile_{band}.fits' ('*' in the name: several tiles), with --catalog and --bands",
      valueName: 'PATTERN',
    },
    catalog: {
      type: 'string',
      description:
        'objects to cut from the tiles: .csv or .parquet with ra, dec (degrees) and an id; its columns carry through',
      valueName: 'FILE',
    },
    bands: {
      type: 'string',
      description: "the tiles' bands in the model's order, e.g. g,r,i",
      valueName: 'LIST',
    },
    out: {
      type: 'string',
      short: 'o',
      description: 'catalogue file (.csv or .parquet)',
      valueName: 'FILE',
      default: 'catalog.csv',
    },
    format: {
      type: 'string',
      description: 'reader format of a dataset folder (default: detected, else a plain folder)',
      valueName: 'NAME',
    },
    checkpoint: { type: 'string', description: 'best or last (default: best, else last)', valueName: 'NAME' },
    'batch-size': { type: 'string', short: 'b', description: 'images per batch', valueName: 'N' },
    tta: { type: 'boolean', description: 'average over the 8 flips and 90° rotations' },
    workers: { type: 'string', description: 'data worker threads per model', valueName: 'N' },
    'data-root': {
      type: 'string',
      description: "a folder besides the input's that its manifest or links may point into",
      valueName: 'DIR',
    },
    'part-size': {
      type: 'string',
      description:
        'cutouts per part file kept in <out>.parts/ (a re-run continues from the parts; default 4096)',
      valueName: 'N',
    },
    shard: {
      type: 'string',
      description:
        'score only shard i of N (1 <= i <= N) into <out>.parts/shard-i-of-N.parquet (then lensfind merge); ' +
        'default in a job array: SLURM_ARRAY_TASK_ID/_COUNT or JOB_COMPLETION_INDEX',
      valueName: 'i/N',
    },
    'shard-count': {
      type: 'string',
      description:
        "the number of shards when the scheduler does not say it (Kubernetes' JOB_COMPLETION_INDEX; also LENSFIND_SHARD_COUNT)",
      valueName: 'N',
    },
    backend: {
      type: 'string',
      description: 'scoring engine: onnx (ONNX Runtime on the exported graph) or torch (libtorch)',
      valueName: 'NAME',
    },
    help: { type: 'boolean', short: 'h', description: 'show this help' },
  },
  async run({ values, positionals }) {
    const { runs, weights } = runsAndWeights(values, positionals, 'predict');
    if (values.run) runs.unshift(values.run as string);
    if (runs.length === 0)
      throw new LensfindError('E_USAGE', 'lensfind predict: give --run RUN or --runs R1 R2 ...');
    const tiles = values.tiles as string | undefined;
    if (tiles !== undefined || values.catalog !== undefined) {
      if (tiles === undefined || values.catalog === undefined || values.input !== undefined)
        throw new LensfindError(
          'E_USAGE',
          "lensfind predict: --tiles 'tile_{band}.fits' goes with --catalog FILE (and not --input)",
        );
      if (values.bands === undefined)
        throw new LensfindError(
          'E_USAGE',
          "lensfind predict: --tiles needs --bands, the tiles' bands in the model's order (g,r,i)",
        );
    } else if (!values.input)
      throw new LensfindError('E_USAGE', 'lensfind predict: --input PATH is required');
    const format = values.format as DataFormat | undefined;
    if (format !== undefined && !DATA_FORMATS.includes(format)) {
      throw new LensfindError('E_USAGE', `--format ${format}: expected one of ${DATA_FORMATS.join(', ')}`);
    }
    const checkpoint = values.checkpoint as 'best' | 'last' | undefined;
    if (checkpoint !== undefined && checkpoint !== 'best' && checkpoint !== 'last') {
      throw new LensfindError('E_USAGE', `--checkpoint ${String(checkpoint)}: expected best or last`);
    }
    const partSize = intFlag('part-size', values['part-size']);
    if (partSize !== undefined && partSize < 1)
      throw new LensfindError('E_USAGE', `--part-size ${partSize}: expected a positive integer`);
    const { predict: lib, infer } = await import('../../index.js');
    const backend = infer.parseBackend(values.backend);
    const shardCount = intFlag('shard-count', values['shard-count']);
    const shard =
      values.shard === undefined
        ? lib.shardFromEnv(process.env, shardCount)
        : { ...lib.parseShard(values.shard as string), source: '--shard' };
    if (shard && shard.source !== '--shard') {
      console.error(`shard ${shard.index + 1}/${shard.count} (from ${shard.source})`);
    }
    let bar: Progress | null = null;
    const res = await lib.predict({
      runs,
      input: (values.input ?? values.catalog) as string,
      tiles:
        tiles === undefined
          ? undefined
          : {
              pattern: tiles,
              bands: String(values.bands)
                .split(',')
                .map((b) => b.trim()),
            },
      out: values.out as string,
      checkpoint,
      format,
      batchSize: intFlag('batch-size', values['batch-size']),
      tta: Boolean(values.tta),
      method: parseMethod(values.method, weights),
      weights,
      workers: intFlag('workers', values.workers),
      dataRoot: values['data-root'] as string | undefined,
      partSize,
      shard,
      backend,
      onNote: (m) => console.error(m),
      onBatch: (done, total) => {
        bar ??= new Progress({ label: 'predict', total, unit: 'images' });
        bar.update(done);
      },
      onReject: (s) => console.error(`rejected ${s.source}: ${s.reason}`),
    });
    (bar as Progress | null)?.finish();
    const rate = `scored ${res.scored} images in ${res.seconds.toFixed(1)} s (${res.imagesPerSecond.toFixed(1)} images/s)`;
    if (shard) {
      console.log(
        `shard ${shard.index + 1}/${shard.count}: ${rate}; ${res.pendingParts} parts are left to other shards; ` +
          `wrote ${res.shardFile}. Once all ${shard.count} shards are done, ` +
          `lensfind merge --out ${values.out as string} writes the catalogue.`,
      );
      return;
    }
    const earlier = (res.scoredTotal ?? 0) - res.scored;
    if (earlier > 0) console.log(`continued: ${earlier} images were scored by an earlier run (kept parts)`);
    console.log(`${rate}; ${res.rejected.length} rejected (${res.rejectedFile})`);
    for (const t of res.top.slice(0, 5)) console.log(`  #${t.rank}  ${t.score.toFixed(4)}  ${t.id}`);
    console.log(`wrote ${res.catalog}`);
  },
};

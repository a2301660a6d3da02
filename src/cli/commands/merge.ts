import type { Command } from '../command.js';
import { LensfindError } from '../../errors.js';

export const mergeCommand: Command = {
  name: 'merge',
  summary:
    'Combine the shard files of a sharded predict (<out>.parts/shard-i-of-N.parquet) into one catalogue ranked by ' +
    'score and rejected.csv; names the missing shards (exit 2) and checks that every cutout appears exactly once.',
  usage: '--out catalog.parquet|catalog.csv [--parts DIR]',
  options: {
    out: {
      type: 'string',
      short: 'o',
      description: 'the catalogue to write (.csv or .parquet): the --out the shards were given',
      valueName: 'FILE',
    },
    parts: {
      type: 'string',
      description: "the shards' parts folder (default: <out>.parts)",
      valueName: 'DIR',
    },
    help: { type: 'boolean', short: 'h', description: 'show this help' },
  },
  async run({ values }) {
    if (!values.out) throw new LensfindError('E_USAGE', 'lensfind merge: --out catalog.parquet is required');
    const { predict } = await import('../../index.js');
    const res = await predict.mergeShards({
      out: values.out as string,
      parts: values.parts as string | undefined,
    });
    console.log(
      `merged ${res.shards} shards: ${res.scored} cutouts ranked, ${res.rejected.length} rejected (${res.rejectedFile})`,
    );
    for (const t of res.top.slice(0, 5)) console.log(`  #${t.rank}  ${t.score.toFixed(4)}  ${t.id}`);
    console.log(`wrote ${res.catalog}`);
  },
};

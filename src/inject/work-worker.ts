/** A worker thread of `lensfind inject` (work.ts): builds the injector once, then measures cutouts or writes shards. */
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../worker/serve.js';
import { Injector } from './inject.js';
import {
  injectShard,
  measureCutouts,
  type InjectReply,
  type InjectRequest,
  type InjectWorkerData,
} from './work.js';

const { cfg, size, out } = workerData as InjectWorkerData;
const inj = new Injector(cfg, size);
serveRequests<InjectRequest, InjectReply, number>(async (req, progress) => {
  const tick = () => progress(1);
  if (req.kind === 'measure')
    return { result: { kind: 'measure', measured: await measureCutouts(inj, req.spec, req.jobs, tick) } };
  const previews = await injectShard(inj, cfg, out, req.shard, req.jobs, req.previews, tick);
  return {
    result: { kind: 'shard', previews },
    transfer: previews.map((p) => p.image.buffer as ArrayBuffer),
  };
});

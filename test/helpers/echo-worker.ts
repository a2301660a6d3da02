/** A worker for test/worker/pool.test.ts: answers { op, value } requests the way the test needs. */
import { threadId, workerData } from 'node:worker_threads';
import { ConfigError } from '../../src/errors.js';
import { serveRequests } from '../../src/worker/serve.js';

export type EchoRequest = { op: 'square' | 'config-error' | 'exit' | 'slow'; value: number };
export interface EchoResult {
  value: number;
  thread: number;
  offset: number;
}

const { offset } = workerData as { offset: number };
serveRequests<EchoRequest, EchoResult, number>(async ({ op, value }, progress) => {
  if (op === 'config-error') throw new ConfigError(`value ${value} is not allowed`, 'some_key');
  if (op === 'exit') process.exit(3);
  if (op === 'slow') await new Promise((r) => setTimeout(r, 50));
  progress(value);
  const out = new Float64Array([value * value + offset]);
  return { result: { value: out[0], thread: threadId, offset }, transfer: [out.buffer] };
});

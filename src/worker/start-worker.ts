import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Starts a worker thread on `entry` (a module path or file URL). From the compiled package (`.js`) the worker runs
 * the module itself. From the TypeScript sources (tsx, development and tests), Node 20 loads a worker's entry module
 * before `--import` hooks reach the thread, so a small evaluated bootstrap registers tsx's loader first and then
 * imports the module: tsx is needed only there, never by the installed package.
 */
export function startWorker(entry: string | URL, workerData: unknown): Worker {
  const file = entry instanceof URL || entry.startsWith('file:') ? fileURLToPath(entry) : entry;
  if (!file.endsWith('.ts')) return new Worker(file, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const target = pathToFileURL(file).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/** The worker module `name` beside the module at `url` (its import.meta.url), compiled (.js) or a source (.ts) as it is. */
export function besideModule(url: string, name: string): string {
  const here = fileURLToPath(url);
  return path.join(path.dirname(here), name + path.extname(here));
}

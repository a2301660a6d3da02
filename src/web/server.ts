import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { LensfindError } from '../errors.js';
import { Access, TOKEN_COOKIE } from './auth.js';
import { loadAssets, type Assets } from './assets.js';
import { readCatalogTable } from './catalog-table.js';
import { CutoutImages } from './cutouts.js';
import { GradeStore, gradesFileFor } from './grade-store.js';
import { HttpError, send, sendJson } from './http.js';
import { firstView, handleCatalog, warmUp, type CatalogContext } from './routes-catalog.js';
import { handleRuns } from './routes-runs.js';

export interface ServeOptions {
  /** A folder of run folders (`runs/`). */
  runs?: string;
  /** A candidate catalogue (.parquet or .csv) to browse and grade. */
  catalog?: string;
  /** The column of cutout paths (default `path`). */
  pathColumn?: string;
  /** A folder the cutouts may be read from besides the catalogue's own (e.g. the data `predict` scored). */
  images?: string;
  /** The grades database (default `<catalogue>.grades.sqlite` beside the catalogue). */
  grades?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  allowRemote?: boolean;
  graders?: string[];
  /** How often a run's metrics.jsonl is polled for live curves (ms). */
  pollMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Remote mode: the link each grader opens (with their token). */
  links: { grader: string; url: string }[];
  catalog: CatalogContext | null;
  /** Milliseconds spent reading the catalogue and computing its first order (wall clock), null without one. */
  catalogMs: number | null;
  server: Server;
  close(): Promise<void>;
}

function checkFolder(dir: string, flag: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new LensfindError('E_USAGE', `${flag} ${dir}: not a folder`);
  return path.resolve(dir);
}

/** Loads the catalogue and its grades (or nothing), the page, and starts serving. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const access = new Access(host, { allowRemote: opts.allowRemote, graders: opts.graders });
  const runs = opts.runs ? checkFolder(opts.runs, '--runs') : null;
  const images = opts.images ? checkFolder(opts.images, '--images') : undefined;
  if (!runs && !opts.catalog) throw new LensfindError('E_USAGE', 'give --runs DIR, --catalog FILE, or both');
  let catalog: CatalogContext | null = null;
  let catalogMs: number | null = null;
  if (opts.catalog) {
    const t0 = performance.now();
    const table = await readCatalogTable(opts.catalog);
    const pathColumn = opts.pathColumn ?? 'path';
    if (!table.columns.includes(pathColumn)) {
      throw new LensfindError(
        'E_CATALOG',
        `${opts.catalog}: no column '${pathColumn}' of cutout paths; its columns are ${table.columns.join(', ')} (choose one with --path-column)`,
      );
    }
    const store = new GradeStore(opts.grades ?? gradesFileFor(opts.catalog));
    catalog = { table, store, images: new CutoutImages(path.dirname(table.file), images), pathColumn };
    firstView(table);
    catalogMs = performance.now() - t0;
    await warmUp(catalog);
  }
  const assets = await loadAssets();
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => fail(res, err));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    access.checkHost(req);
    const grader = access.grader(req, url);
    if (await handleCatalog(catalog, req, res, url, grader)) return;
    if (handleRuns(runs, req, res, url, opts.pollMs)) return;
    if (req.method !== 'GET') throw new HttpError(405, `${req.method} ${url.pathname}: method not allowed`);
    page(url.pathname, res, assets, grader, url);
  }

  function page(p: string, res: ServerResponse, a: Assets, grader: string | null, url: URL): void {
    if (p === '/api/info') {
      sendJson(res, {
        catalog: catalog && {
          file: catalog.table.file,
          n: catalog.table.n,
          columns: catalog.table.columns,
          numeric: [...catalog.table.numeric],
          grades: catalog.store.file,
        },
        runs: runs !== null,
        grader,
      });
    } else if (p === '/' || p === '/index.html') {
      const token = url.searchParams.get('token');
      // The token moves from the link into an HttpOnly cookie: later requests carry it, scripts never see it.
      if (token) res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      send(res, 200, 'text/html; charset=utf-8', a.html);
    } else if (p === '/app.js') send(res, 200, 'text/javascript; charset=utf-8', a.js);
    else if (p === '/app.css') send(res, 200, 'text/css; charset=utf-8', a.css);
    else throw new HttpError(404, `${p}: no such page`, 'E_NOT_FOUND');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new LensfindError('E_USAGE', `cannot listen on ${host}:${opts.port ?? 8080}: ${err.message}`)),
    );
    server.listen(opts.port ?? 8080, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `${base}/`,
    port,
    links: [...access.tokens].map(([token, g]) => ({ grader: g, url: `${base}/?token=${token}` })),
    catalog,
    catalogMs,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          catalog?.store.close();
          resolve();
        });
      }),
  };
}

function fail(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = err instanceof HttpError ? err.status : err instanceof LensfindError ? 400 : 500;
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof LensfindError ? err.code : 'E_INTERNAL';
  sendJson(res, { error: message, code }, status);
}

import { statSync } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PathGuard } from '../data/path-guard.js';
import { readRegularFile } from '../io/read-fd.js';
import { HttpError, SECURITY_HEADERS, send, sendJson } from './http.js';
import { listRuns, readMetricsLines, runFolder, runInfo } from './runs.js';

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.yaml': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
};

/**
 * Server-sent events of a run's metrics.jsonl: every line at once, then each new line as training writes it
 * (the trainer replaces the file atomically each epoch, so its stat is polled rather than its inode watched).
 */
function streamMetrics(dir: string, req: IncomingMessage, res: ServerResponse, pollMs: number): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    Connection: 'keep-alive',
  });
  const file = path.join(dir, 'metrics.jsonl');
  // The file's identity when last read: polled, since a watcher set up after the first read could miss a change.
  const signature = () => {
    try {
      const st = statSync(file);
      return `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return 'missing';
    }
  };
  let seen = '';
  let sent = 0;
  const push = () => {
    seen = signature();
    const lines = readMetricsLines(dir);
    if (lines.length < sent) {
      // Rewritten shorter (a new run in the same name): start again.
      res.write(`event: reset\ndata: {}\n\n`);
      sent = 0;
    }
    for (; sent < lines.length; sent++) res.write(`event: epoch\ndata: ${JSON.stringify(lines[sent])}\n\n`);
  };
  push();
  const poll = setInterval(() => {
    if (signature() !== seen) push();
  }, pollMs);
  const ping = setInterval(() => res.write(': ping\n\n'), 15000);
  req.on('close', () => {
    clearInterval(poll);
    clearInterval(ping);
  });
}

/** Handles /api/runs routes; false when the path is not one of them. */
export function handleRuns(
  root: string | null,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  pollMs = 500,
): boolean {
  const p = url.pathname;
  if (p !== '/api/runs' && !p.startsWith('/api/runs/')) return false;
  if (!root)
    throw new HttpError(404, 'no runs folder is served: start lensfind serve with --runs DIR', 'E_NOT_FOUND');
  if (req.method !== 'GET') throw new HttpError(405, `${req.method} ${p}: method not allowed`);
  if (p === '/api/runs') {
    sendJson(res, listRuns(root));
    return true;
  }
  const m = /^\/api\/runs\/([^/]+)(\/metrics|\/events|\/files\/(.+))?$/.exec(p);
  if (!m) throw new HttpError(404, `${p}: no such page`, 'E_NOT_FOUND');
  let name: string;
  try {
    name = decodeURIComponent(m[1]);
  } catch {
    throw new HttpError(400, `${p}: malformed run name`);
  }
  const dir = runFolder(root, name);
  if (!m[2]) sendJson(res, runInfo(root, name));
  else if (m[2] === '/metrics') sendJson(res, readMetricsLines(dir));
  else if (m[2] === '/events') streamMetrics(dir, req, res, pollMs);
  else {
    let rel: string;
    try {
      rel = decodeURIComponent(m[3]);
    } catch {
      throw new HttpError(400, `${p}: malformed file name`);
    }
    const type = TYPES[path.extname(rel).toLowerCase()];
    if (!type)
      throw new HttpError(
        403,
        `${rel}: only ${Object.keys(TYPES).join(' ')} files of a run are served`,
        'E_PATH',
      );
    const file = path.resolve(dir, rel);
    // Inside the runs folder, also after resolving links (a run folder may itself be a link within it).
    const refusal = new PathGuard(root).check(file);
    if (refusal !== null) throw new HttpError(403, `${rel}: ${refusal}`, 'E_PATH');
    let body: Buffer;
    try {
      body = readRegularFile(file);
    } catch {
      throw new HttpError(404, `${rel}: no such file in run ${name}`, 'E_NOT_FOUND');
    }
    send(res, 200, type, body);
  }
  return true;
}

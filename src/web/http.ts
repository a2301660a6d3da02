import type { IncomingMessage, ServerResponse } from 'node:http';
import { LensfindError } from '../errors.js';

/** An error with the HTTP status it answers with; its message is shown to the user as is. */
export class HttpError extends LensfindError {
  constructor(
    readonly status: number,
    message: string,
    code = 'E_HTTP',
  ) {
    super(code, message);
    this.name = 'HttpError';
  }
}

/** Headers on every answer: nothing is sniffed, framed, or loaded from elsewhere than this server. */
export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
};

export function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, value: unknown, status = 200): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

/** The JSON body of a request, at most 64 kB; a wrong content type or bad JSON is a 400/415 naming the problem. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  // application/json only: a cross-site form cannot send it without a CORS preflight, which this server refuses.
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(
      415,
      `${req.method} ${req.url}: expected a JSON body (Content-Type: application/json)`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 65536) throw new HttpError(413, `${req.method} ${req.url}: body larger than 64 kB`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `${req.method} ${req.url}: malformed JSON body: ${(err as Error).message}`);
  }
}

/** An integer query parameter within [min, max], or the default; anything else is a 400 naming the parameter. */
export function intParam(q: URLSearchParams, name: string, def: number, min: number, max: number): number {
  const text = q.get(name);
  if (text === null || text === '') return def;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new HttpError(
      400,
      `query parameter ${name}=${JSON.stringify(text)}: expected an integer in [${min}, ${max}]`,
    );
  }
  return v;
}

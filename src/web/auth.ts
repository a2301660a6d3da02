import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LensfindError } from '../errors.js';
import { checkGraderName } from './grade-store.js';
import { HttpError } from './http.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export const TOKEN_COOKIE = 'lensfind_token';

/**
 * Who may use the server. On loopback (the default) anyone on this machine may, under any grader name. Bound
 * beyond loopback, the server must be started with `allowRemote` and named graders: each gets a random token, every
 * request must carry one (cookie, `Authorization: Bearer`, or `?token=` on the first page load), and a grader
 * grades only under their own name.
 */
export class Access {
  readonly tokens: Map<string, string>;

  constructor(
    readonly host: string,
    opts: { allowRemote?: boolean; graders?: readonly string[] } = {},
  ) {
    const remote = !isLoopback(host);
    if (remote && !opts.allowRemote) {
      throw new LensfindError(
        'E_USAGE',
        `--host ${host} lets other machines reach the server: add --allow-remote and --graders NAME,NAME ` +
          '(each grader then gets a token), or leave --host at 127.0.0.1',
      );
    }
    const graders = (opts.graders ?? []).map(checkGraderName);
    if (remote && graders.length === 0) {
      throw new LensfindError(
        'E_USAGE',
        `--host ${host} --allow-remote needs --graders NAME,NAME: one token each`,
      );
    }
    this.tokens = new Map(remote ? graders.map((g) => [randomBytes(18).toString('base64url'), g]) : []);
  }

  get required(): boolean {
    return this.tokens.size > 0;
  }

  /** The token a request carries, from the header, the cookie or the query. */
  static tokenOf(req: IncomingMessage, url: URL): string | null {
    const bearer = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) return bearer;
    const cookie = (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim().split('='))
      .find(([k]) => k === TOKEN_COOKIE)?.[1];
    return cookie ?? url.searchParams.get('token');
  }

  /** The grader a request speaks for: null on loopback (any name); with tokens, a bad or missing one is a 401. */
  grader(req: IncomingMessage, url: URL): string | null {
    if (!this.required) return null;
    const token = Access.tokenOf(req, url);
    if (token) {
      const given = Buffer.from(token);
      for (const [t, g] of this.tokens) {
        const want = Buffer.from(t);
        if (want.length === given.length && timingSafeEqual(want, given)) return g;
      }
    }
    throw new HttpError(
      401,
      'this server needs a grader token: open the link the server printed for you',
      'E_AUTH',
    );
  }

  /**
   * Requests must name this server in their Host header: a web page elsewhere cannot then reach a loopback server
   * through a DNS name that points at 127.0.0.1 (DNS rebinding).
   */
  checkHost(req: IncomingMessage): void {
    if (this.required) return;
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (!isLoopback(host))
      throw new HttpError(403, `Host '${req.headers.host}': this server answers on loopback only`);
  }
}

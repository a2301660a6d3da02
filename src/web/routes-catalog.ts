import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FILTER_OPS, type CatalogTable, type ColumnFilter, type ViewQuery } from './catalog-table.js';
import { CutoutImages, stretchFromQuery } from './cutouts.js';
import { exportGrades, gradeSummary } from './export.js';
import { checkGrade, checkGraderName, type GradeStore } from './grade-store.js';
import { HttpError, intParam, readJson, send, sendJson } from './http.js';
import { OutputError } from '../errors.js';

export interface CatalogContext {
  table: CatalogTable;
  store: GradeStore;
  images: CutoutImages;
  /** The column of cutout paths. */
  pathColumn: string;
}

function viewQuery(table: CatalogTable, p: URLSearchParams): ViewQuery {
  const order = p.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc')
    throw new HttpError(400, `query parameter order=${JSON.stringify(order)}: expected asc or desc`);
  let filters: ColumnFilter[] = [];
  const text = p.get('filters');
  if (text) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'query parameter filters: expected a JSON list of {column, op, value}');
    }
    const ok = (f: unknown): f is ColumnFilter =>
      typeof f === 'object' &&
      f !== null &&
      typeof (f as ColumnFilter).column === 'string' &&
      FILTER_OPS.includes((f as ColumnFilter).op) &&
      ['string', 'number'].includes(typeof (f as ColumnFilter).value);
    if (!Array.isArray(parsed) || !parsed.every(ok)) {
      throw new HttpError(
        400,
        `query parameter filters: expected a JSON list of {column, op (${FILTER_OPS.join(' ')}), value}`,
      );
    }
    filters = parsed;
  }
  return { sort: p.get('sort') || defaultSort(table), order, filters };
}

/** The page's first order: by score, highest first, when the catalogue has one. */
function defaultSort(table: CatalogTable): string | undefined {
  return table.columns.includes('score') ? 'score' : undefined;
}

/** Computes (and caches) the page's first order. */
export function firstView(table: CatalogTable): Int32Array {
  return table.view({ sort: defaultSort(table), order: 'desc', filters: [] });
}

/**
 * Readies the catalogue's first page before the server listens: the default order computed (a sort of every row)
 * and the PNG encoder loaded, so the page's first requests find them done.
 */
export async function warmUp(ctx: CatalogContext): Promise<void> {
  firstView(ctx.table);
  await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
}

/**
 * The rows of the view a request names: its order and filters, and with `ungraded=<grader>` without what that
 * grader had graded at `asof` (ms, the server's clock; now when absent). Grades given later stay in it, so the
 * positions of a grader's walk through "ungraded only" do not shift under them.
 */
function requestView(ctx: CatalogContext, p: URLSearchParams): { view: Int32Array; asof: number | null } {
  const { table, store } = ctx;
  const view = table.view(viewQuery(table, p));
  const ungraded = p.get('ungraded');
  if (!ungraded) return { view, asof: null };
  let grader: string;
  try {
    grader = checkGraderName(ungraded);
  } catch (err) {
    throw new HttpError(400, `query parameter ungraded: ${(err as Error).message}`);
  }
  const asof = p.has('asof') ? intParam(p, 'asof', 0, 0, Number.MAX_SAFE_INTEGER) : Date.now();
  const done = new Uint8Array(table.n);
  for (const id of store.gradedBy(grader, asof)) {
    const r = table.rowOf(id);
    if (r >= 0) done[r] = 1;
  }
  const out = new Int32Array(view.length);
  let m = 0;
  for (let k = 0; k < view.length; k++) if (!done[view[k]]) out[m++] = view[k];
  return { view: out.subarray(0, m), asof };
}

/** The catalogue's rows in a view, a page at a time, each with its row number, key and grades. */
function rows(ctx: CatalogContext, p: URLSearchParams) {
  const { table, store } = ctx;
  const { view, asof } = requestView(ctx, p);
  const offset = intParam(p, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = intParam(p, 'limit', 50, 1, 1000);
  const by = store.byCandidate();
  const page = [];
  for (let k = offset; k < Math.min(view.length, offset + limit); k++) {
    const r = view[k];
    const id = table.id(r);
    page.push({ row: r, id, cells: table.row(r), grades: Object.fromEntries(by.get(id) ?? []) });
  }
  return { total: view.length, offset, asof, rows: page };
}

/** Where a candidate stands in a view (for jumping to it): its index, or -1 when the view leaves it out. */
function position(ctx: CatalogContext, p: URLSearchParams) {
  const id = p.get('id') ?? '';
  const r = ctx.table.rowOf(id);
  if (r < 0)
    throw new HttpError(404, `no candidate ${JSON.stringify(id)} in ${ctx.table.file}`, 'E_NOT_FOUND');
  return { id, index: requestView(ctx, p).view.indexOf(r) };
}

function catalogRow(ctx: CatalogContext, text: string): number {
  const r = Number(text);
  if (!Number.isInteger(r) || r < 0 || r >= ctx.table.n) {
    throw new HttpError(
      404,
      `no candidate row ${text}: the catalogue has rows 0..${ctx.table.n - 1}`,
      'E_NOT_FOUND',
    );
  }
  return r;
}

function cutoutRef(ctx: CatalogContext, r: number): string {
  const ref = ctx.table.cell(r, ctx.pathColumn);
  if (ref === null || ref === '')
    throw new HttpError(404, `row ${r} has no cutout path in column '${ctx.pathColumn}'`, 'E_NOT_FOUND');
  return String(ref);
}

async function putGrade(
  ctx: CatalogContext,
  req: IncomingMessage,
  res: ServerResponse,
  tokenGrader: string | null,
) {
  const body = await readJson(req);
  if (typeof body !== 'object' || body === null)
    throw new HttpError(400, 'grade: expected {id, grader, grade}');
  const { id, grader, grade } = body as Record<string, unknown>;
  if (typeof id !== 'string' || !ctx.table.hasId(id)) {
    throw new HttpError(
      400,
      `grade: unknown candidate id ${JSON.stringify(id)} (not in ${ctx.table.file})`,
      'E_GRADE',
    );
  }
  let name: string;
  let value: ReturnType<typeof checkGrade> | null;
  try {
    name = checkGraderName(grader);
    value = grade === null ? null : checkGrade(grade);
  } catch (err) {
    throw new HttpError(400, `grade: ${(err as Error).message}`, 'E_GRADE');
  }
  if (tokenGrader !== null && name !== tokenGrader) {
    throw new HttpError(403, `grade: your token is ${tokenGrader}'s; you cannot grade as ${name}`, 'E_AUTH');
  }
  // Committed (WAL, fsync'ed) before the answer: a grade the page shows as saved is on disk.
  ctx.store.set(id, name, value);
  sendJson(res, { id, grader: name, grade: value });
}

/** Handles /api/info-like catalogue routes; false when the path is not one of them. */
export async function handleCatalog(
  ctx: CatalogContext | null,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  tokenGrader: string | null,
): Promise<boolean> {
  const p = url.pathname;
  const m = /^\/api\/cutouts\/(\d+)(\.png|\/shape)$/.exec(p);
  const known =
    m ||
    [
      '/api/rows',
      '/api/position',
      '/api/grades',
      '/api/grades/summary',
      '/api/export.csv',
      '/api/export.parquet',
    ].includes(p);
  if (!known) return false;
  if (!ctx)
    throw new HttpError(
      404,
      'no catalogue is served: start lensfind serve with --catalog FILE',
      'E_NOT_FOUND',
    );
  if (p === '/api/grades' && req.method === 'PUT')
    return putGrade(ctx, req, res, tokenGrader).then(() => true);
  if (req.method !== 'GET') throw new HttpError(405, `${req.method} ${p}: method not allowed`);
  if (p === '/api/rows') sendJson(res, rows(ctx, url.searchParams));
  else if (p === '/api/position') sendJson(res, position(ctx, url.searchParams));
  else if (p === '/api/grades/summary') sendJson(res, gradeSummary(ctx.table, ctx.store));
  else if (p === '/api/grades') sendJson(res, ctx.store.all());
  else if (p.startsWith('/api/export.')) {
    const ext = p.slice('/api/export.'.length);
    const dir = path.dirname(ctx.table.file);
    const file = path.join(dir, `${path.parse(ctx.table.file).name}.graded.${ext}`);
    try {
      exportGrades(ctx.table, ctx.store, file);
    } catch (err) {
      // The export goes beside the catalogue: a read-only catalogue folder is the user's to change, not a fault.
      if (!(err instanceof OutputError)) throw err;
      throw new HttpError(
        409,
        `cannot export into the catalogue's folder: ${err.message}; export elsewhere with ` +
          'lensfind serve --catalog FILE --export OUT.csv',
        'E_OUTPUT',
      );
    }
    res.setHeader('Content-Disposition', `attachment; filename="${path.basename(file)}"`);
    send(
      res,
      200,
      ext === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet',
      readFileSync(file),
    );
  } else if (m) {
    const r = catalogRow(ctx, m[1]);
    if (m[2] === '/shape') sendJson(res, { row: r, shape: (await ctx.images.read(cutoutRef(ctx, r))).shape });
    else {
      const png = await ctx.images.png(cutoutRef(ctx, r), stretchFromQuery(url.searchParams));
      // The URL names the row and every stretch option: the page may keep (and prefetch) it.
      send(res, 200, 'image/png', png, { 'Cache-Control': 'private, max-age=600' });
    }
  }
  return true;
}

import { api, el, fmt, setStatus } from './dom.js';
import { Toolbar, type Query } from './toolbar.js';

interface Row {
  row: number;
  id: string;
  cells: Record<string, string | number | null>;
  grades: Record<string, number>;
}
interface Summary {
  candidates: number;
  graded: number;
  byGrader: Record<string, number>;
  meanGrade: number | null;
  disagreements: { id: string; grades: Record<string, number>; spread: number; mean: number }[];
}
interface CatalogInfo {
  file: string;
  n: number;
  columns: string[];
  numeric: string[];
}

const PAGE = 48;
const LETTER: Record<number, string> = { 3: 'A', 2: 'B', 1: 'C', 0: 'not a lens' };
/** Keys: the 0–3 scale, or A/B/C/N for 3/2/1/0. */
const GRADE_KEYS: Record<string, number> = { '3': 3, '2': 2, '1': 1, '0': 0, a: 3, b: 2, c: 1, n: 0 };
export const KEY_HELP =
  'keys: 3/A lens · 2/B probable · 1/C possible · 0/N not a lens · J/→/space next · K/← previous · U/Z undo';

/**
 * The candidate browser: one candidate large (its composite, each band apart, its catalogue row, everyone's
 * grades) beside a strip of the page around it. Rows come from the server a page at a time in the chosen order,
 * so a catalogue of any length opens at once; the next candidates' composites are fetched ahead.
 */
export class Candidates {
  private readonly toolbar: Toolbar;
  private pages = new Map<number, Promise<Row[]>>();
  private total = 0;
  /** The server's time of the view's first page: an "ungraded only" view keeps what was ungraded then. */
  private asof: number | null = null;
  private cursor = 0;
  private bands = 0;
  private readonly undo: { cursor: number; id: string; grader: string; prev: number | null }[] = [];
  private readonly big = el('img', { id: 'composite', class: 'big', alt: 'composite' });
  private readonly bandBox = el('div', { id: 'bands', class: 'bands' });
  private readonly position = el('div', { id: 'position', class: 'position' });
  private readonly cells = el('table', { id: 'cells', class: 'cells' });
  private readonly grades = el('div', { id: 'grades', class: 'grades' });
  private readonly strip = el('div', { id: 'strip', class: 'strip' });
  private readonly progress = el('div', { id: 'progress', class: 'progress' });
  private readonly disagreements = el('ul', { id: 'disagreements', class: 'disagreements' });

  constructor(
    root: HTMLElement,
    private readonly info: CatalogInfo,
    fixedGrader: string | null,
  ) {
    this.toolbar = new Toolbar(
      info.columns,
      info.numeric,
      fixedGrader,
      () => this.reload(),
      () => this.render(),
    );
    root.append(
      this.toolbar.element,
      this.progress,
      el(
        'div',
        { class: 'layout' },
        el('div', { class: 'current' }, this.position, this.big, this.bandBox, this.grades, this.cells),
        this.strip,
      ),
      el('details', {}, el('summary', {}, 'Disagreements between graders'), this.disagreements),
      el('p', { class: 'keys' }, KEY_HELP),
    );
    document.addEventListener('keydown', (e) => this.onKey(e));
    void this.reload();
  }

  private page(p: number, q: Query): Promise<Row[]> {
    let got = this.pages.get(p);
    if (!got) {
      const params = this.viewParams(q);
      params.set('offset', String(p * PAGE));
      params.set('limit', String(PAGE));
      got = api<{ total: number; asof: number | null; rows: Row[] }>(`/api/rows?${params}`).then((r) => {
        this.total = r.total;
        this.asof ??= r.asof;
        return r.rows;
      });
      got.catch(() => this.pages.delete(p));
      this.pages.set(p, got);
    }
    return got;
  }

  private viewParams(q: Query): URLSearchParams {
    const params = new URLSearchParams({ sort: q.sort, order: q.order, filters: q.filters });
    if (q.ungraded) params.set('ungraded', q.ungraded);
    if (q.ungraded && this.asof !== null) params.set('asof', String(this.asof));
    return params;
  }

  /** Shows candidate `id`: in the current view when it is there, else in the view without filters. */
  async jumpTo(id: string): Promise<void> {
    const find = async () => {
      const params = this.viewParams(this.toolbar.query());
      params.set('id', id);
      return (await api<{ index: number }>(`/api/position?${params}`)).index;
    };
    let index = await find();
    if (index < 0) {
      this.toolbar.clearFilters();
      await this.reload();
      index = await find();
    }
    this.go(index);
  }

  private async rowAt(i: number): Promise<Row | undefined> {
    return (await this.page(Math.floor(i / PAGE), this.toolbar.query()))[i % PAGE];
  }

  private compositeUrl(row: number, band?: number): string {
    const s = this.toolbar.stretch();
    const p = new URLSearchParams({ q: s.q, stretch: s.stretch });
    if (band !== undefined) p.set('band', String(band));
    else if (s.rgb) ['r', 'g', 'b'].forEach((c, k) => p.set(c, String(s.rgb![k])));
    return `/api/cutouts/${row}.png?${p}`;
  }

  /** A new order or filter: back to the first candidate. */
  async reload(): Promise<void> {
    this.pages = new Map();
    this.cursor = 0;
    this.asof = null;
    try {
      await this.page(0, this.toolbar.query());
      await this.render();
      void this.refreshSummary();
    } catch (err) {
      setStatus((err as Error).message, true);
    }
  }

  async render(): Promise<void> {
    const row = await this.rowAt(this.cursor);
    this.position.textContent = this.total
      ? `${this.cursor + 1} / ${this.total}${row ? ` · ${row.id}` : ''}`
      : 'no candidate matches the filters';
    if (!row) {
      this.big.removeAttribute('src');
      this.strip.replaceChildren();
      return;
    }
    this.big.dataset.row = String(row.row);
    this.big.src = this.compositeUrl(row.row);
    if (!this.bands) {
      const s = await api<{ shape: number[] }>(`/api/cutouts/${row.row}/shape`);
      this.bands = s.shape[0];
      this.toolbar.setBands(this.bands);
    }
    this.bandBox.replaceChildren(
      ...Array.from({ length: this.bands }, (_, b) =>
        el(
          'figure',
          {},
          el('img', { src: this.compositeUrl(row.row, b), alt: `band ${b}` }),
          el('figcaption', {}, `band ${b}`),
        ),
      ),
    );
    this.cells.replaceChildren(
      ...Object.entries(row.cells).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, fmt(v, 6)))),
    );
    this.showGrades(row);
    await this.renderStrip();
    // Fetch the next candidates' composites now, so moving on shows them at once.
    for (let k = 1; k <= 3; k++) {
      void this.rowAt(this.cursor + k).then((r) => {
        if (r) new Image().src = this.compositeUrl(r.row);
      });
    }
  }

  private showGrades(row: Row): void {
    const entries = Object.entries(row.grades);
    const mean = entries.length ? entries.reduce((s, [, g]) => s + g, 0) / entries.length : null;
    this.grades.replaceChildren(
      el('span', { class: 'label' }, 'grades: '),
      ...(entries.length
        ? entries.map(([g, v]) =>
            el('span', { class: `grade g${v}`, 'data-grader': g }, `${g}: ${v} (${LETTER[v]})`),
          )
        : ['none yet']),
      el('span', { class: 'mean' }, mean === null ? '' : ` mean ${mean.toFixed(2)}`),
    );
  }

  private async renderStrip(): Promise<void> {
    const p = Math.floor(this.cursor / PAGE);
    const rows = await this.page(p, this.toolbar.query());
    const me = this.toolbar.grader();
    this.strip.replaceChildren(
      ...rows.map((r, k) => {
        const i = p * PAGE + k;
        const mine = me ? r.grades[me] : undefined;
        const tile = el(
          'button',
          { class: `tile${i === this.cursor ? ' current' : ''}`, title: r.id, 'data-index': String(i) },
          el('img', { src: this.compositeUrl(r.row), alt: r.id, loading: 'lazy' }),
          el('span', {}, mine === undefined ? fmt(r.cells.score ?? null, 3) : `${mine} ${LETTER[mine]}`),
        );
        tile.onclick = () => this.go(i);
        return tile;
      }),
    );
  }

  private go(i: number): void {
    if (i < 0 || i >= this.total) return;
    this.cursor = i;
    void this.render();
  }

  private async grade(value: number | null, row: Row, grader: string): Promise<void> {
    await api('/api/grades', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: row.id, grader, grade: value }),
    });
    if (value === null) delete row.grades[grader];
    else row.grades[grader] = value;
  }

  private async onKey(e: KeyboardEvent): Promise<void> {
    const target = e.target as HTMLElement;
    if (e.ctrlKey || e.metaKey || e.altKey || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName))
      return;
    const key = e.key.toLowerCase();
    try {
      if (key in GRADE_KEYS) {
        e.preventDefault();
        const grader = this.toolbar.grader();
        if (!grader) throw new Error('type your grader name first (top left)');
        const row = await this.rowAt(this.cursor);
        if (!row) return;
        const prev = row.grades[grader] ?? null;
        await this.grade(GRADE_KEYS[key], row, grader);
        this.undo.push({ cursor: this.cursor, id: row.id, grader, prev });
        setStatus(`saved ${row.id}: ${GRADE_KEYS[key]} (${LETTER[GRADE_KEYS[key]]}) by ${grader}`);
        this.go(Math.min(this.cursor + 1, this.total - 1));
        if (this.cursor === this.total - 1) void this.render();
        void this.refreshSummary();
      } else if (key === 'j' || key === 'arrowright' || key === ' ') {
        e.preventDefault();
        this.go(this.cursor + 1);
      } else if (key === 'k' || key === 'arrowleft') {
        e.preventDefault();
        this.go(this.cursor - 1);
      } else if (key === 'u' || key === 'z') {
        e.preventDefault();
        const last = this.undo.pop();
        if (!last) return setStatus('nothing to undo');
        this.cursor = last.cursor;
        const row = await this.rowAt(last.cursor);
        if (row && row.id === last.id) await this.grade(last.prev, row, last.grader);
        else await this.grade(last.prev, { row: -1, id: last.id, cells: {}, grades: {} }, last.grader);
        setStatus(`undone: ${last.id} back to ${last.prev === null ? 'ungraded' : last.prev}`);
        await this.render();
        void this.refreshSummary();
      }
    } catch (err) {
      setStatus((err as Error).message, true);
    }
  }

  async refreshSummary(): Promise<void> {
    const s = await api<Summary>('/api/grades/summary');
    const me = this.toolbar.grader();
    const graders = Object.entries(s.byGrader)
      .map(([g, n]) => `${g} ${n}`)
      .join(', ');
    this.progress.textContent =
      `${me ? `you (${me}): ${s.byGrader[me] ?? 0} graded · ` : ''}` +
      `graded by anyone: ${s.graded} / ${s.candidates} · by grader: ${graders || 'none'} · ` +
      `mean grade: ${s.meanGrade === null ? '–' : s.meanGrade.toFixed(2)} · disagreements: ${s.disagreements.length}`;
    this.disagreements.replaceChildren(
      ...s.disagreements.slice(0, 200).map((d) => {
        const li = el(
          'li',
          { 'data-id': d.id, title: 'show this candidate' },
          `${d.id}: `,
          Object.entries(d.grades)
            .map(([g, v]) => `${g} ${v}`)
            .join(', '),
          ` (spread ${d.spread}, mean ${d.mean.toFixed(2)})`,
        );
        li.onclick = () => this.jumpTo(d.id).catch((err: Error) => setStatus(err.message, true));
        return li;
      }),
    );
  }
}

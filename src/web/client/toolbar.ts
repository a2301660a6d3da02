import { el } from './dom.js';

export type Query = Record<'sort' | 'order' | 'filters', string> & { ungraded?: string };

const OPS = ['>=', '<=', '>', '<', '=', '!=', 'contains'];

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  return el('label', {}, text, control);
}

function select(id: string, options: string[], value?: string): HTMLSelectElement {
  const s = el('select', { id }, ...options.map((o) => el('option', { value: o }, o)));
  if (value !== undefined) s.value = value;
  return s;
}

/**
 * The candidate page's controls: grader, order, filters (score range and one more column), the stretch (Q and
 * the asinh stretch) and the band shown in each colour, and the export links.
 */
export class Toolbar {
  readonly element: HTMLElement;
  private readonly graderInput = el('input', { id: 'grader', size: '10', placeholder: 'your name' });
  private readonly sort: HTMLSelectElement;
  private readonly order = select('order', ['desc', 'asc']);
  private readonly scoreMin = el('input', { id: 'score-min', size: '5', placeholder: 'min' });
  private readonly scoreMax = el('input', { id: 'score-max', size: '5', placeholder: 'max' });
  private readonly filterCol: HTMLSelectElement;
  private readonly filterOp = select('filter-op', OPS);
  private readonly filterValue = el('input', { id: 'filter-value', size: '10' });
  private readonly ungraded = el('input', { id: 'ungraded', type: 'checkbox' });
  private readonly q = el('input', { id: 'q', size: '4', value: '8' });
  private readonly stretchInput = el('input', { id: 'stretch', size: '5', value: 'auto' });
  private readonly bandSelects = ['r', 'g', 'b'].map((c) => select(`band-${c}`, []));

  constructor(
    columns: string[],
    numeric: string[],
    fixedGrader: string | null,
    onQuery: () => void,
    onStretch: () => void,
  ) {
    const ordered = [...numeric, ...columns.filter((c) => !numeric.includes(c))];
    this.sort = select('sort', ordered, columns.includes('score') ? 'score' : ordered[0]);
    this.filterCol = select('filter-col', ['', ...columns]);
    if (fixedGrader) {
      this.graderInput.value = fixedGrader;
      this.graderInput.disabled = true;
    } else this.graderInput.value = localStorage.getItem('lensfind.grader') ?? '';
    this.graderInput.onchange = () => {
      localStorage.setItem('lensfind.grader', this.graderInput.value.trim());
      onStretch();
    };
    for (const c of [this.sort, this.order, this.filterCol, this.filterOp, this.ungraded])
      c.onchange = onQuery;
    for (const c of [this.scoreMin, this.scoreMax, this.filterValue]) c.onchange = onQuery;
    for (const c of [this.q, this.stretchInput, ...this.bandSelects]) c.onchange = onStretch;
    const hasScore = columns.includes('score');
    this.element = el(
      'div',
      { class: 'toolbar' },
      labelled('grader ', this.graderInput),
      labelled('sort ', this.sort),
      this.order,
      hasScore ? labelled('score ', this.scoreMin) : null,
      hasScore ? labelled('to ', this.scoreMax) : null,
      labelled('filter ', this.filterCol),
      this.filterOp,
      this.filterValue,
      el(
        'label',
        { title: 'only the candidates you had not graded when you ticked this' },
        this.ungraded,
        ' ungraded only',
      ),
      labelled('Q ', this.q),
      labelled('stretch ', this.stretchInput),
      ...['R', 'G', 'B'].map((c, k) => labelled(`${c} `, this.bandSelects[k])),
      el('a', { href: '/api/export.csv', id: 'export-csv', download: '' }, 'export CSV'),
      el('a', { href: '/api/export.parquet', id: 'export-parquet', download: '' }, 'Parquet'),
    );
  }

  grader(): string {
    return this.graderInput.value.trim();
  }

  query(): Query {
    const filters: { column: string; op: string; value: string | number }[] = [];
    const num = (t: string) => (t.trim() === '' || !Number.isFinite(Number(t)) ? null : Number(t));
    const lo = num(this.scoreMin.value);
    const hi = num(this.scoreMax.value);
    if (lo !== null) filters.push({ column: 'score', op: '>=', value: lo });
    if (hi !== null) filters.push({ column: 'score', op: '<=', value: hi });
    if (this.filterCol.value && this.filterValue.value !== '') {
      filters.push({ column: this.filterCol.value, op: this.filterOp.value, value: this.filterValue.value });
    }
    const q: Query = { sort: this.sort.value, order: this.order.value, filters: JSON.stringify(filters) };
    if (this.ungraded.checked && this.grader()) q.ungraded = this.grader();
    return q;
  }

  /** Clears the filters and "ungraded only" (the order stays). */
  clearFilters(): void {
    for (const c of [this.scoreMin, this.scoreMax, this.filterValue]) c.value = '';
    this.filterCol.value = '';
    this.ungraded.checked = false;
  }

  /** Bands of the cutouts: the colour selects offer each, blue to red as the composite's default. */
  setBands(n: number): void {
    const defaults = n >= 3 ? [n - 1, Math.floor((n - 1) / 2), 0] : n === 2 ? [1, 1, 0] : [0, 0, 0];
    this.bandSelects.forEach((s, k) => {
      s.replaceChildren(
        ...Array.from({ length: n }, (_, b) => el('option', { value: String(b) }, String(b))),
      );
      s.value = String(defaults[k]);
    });
  }

  stretch(): { q: string; stretch: string; rgb: number[] | null } {
    const rgb = this.bandSelects.every((s) => s.value !== '')
      ? this.bandSelects.map((s) => Number(s.value))
      : null;
    return { q: this.q.value.trim() || '8', stretch: this.stretchInput.value.trim() || 'auto', rgb };
  }
}

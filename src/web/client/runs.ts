import { api, el, fmt, setStatus } from './dom.js';
import { lineChart } from './chart.js';
import type { RunInfo } from '../api-types.js';

type Epoch = Record<string, number>;

const fileUrl = (run: string, rel: string) =>
  `/api/runs/${encodeURIComponent(run)}/files/${rel.split('/').map(encodeURIComponent).join('/')}`;

/**
 * The runs page: every run with its headline metrics; ticked runs open side by side, each with its training
 * curves (kept live by server-sent events while it trains), its evaluations and their plots.
 */
export class RunsView {
  private readonly table = el('table', { id: 'run-table', class: 'runs' });
  private readonly panels = el('div', { id: 'run-panels', class: 'panels' });
  private readonly open = new Map<string, EventSource>();

  constructor(root: HTMLElement) {
    root.append(
      this.table,
      el('p', { class: 'keys' }, 'tick runs to compare them side by side'),
      this.panels,
    );
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const runs = await api<RunInfo[]>('/api/runs');
      const head = ['', 'run', 'status', 'epochs', 'val AUC', 'eval', 'ROC AUC', 'TPR0', 'TPR10', 'purity'];
      this.table.replaceChildren(
        el('tr', {}, ...head.map((h) => el('th', {}, h))),
        ...runs.map((r) => {
          const e = r.evals[0];
          const box = el('input', { type: 'checkbox', 'data-run': r.name });
          box.onchange = () => (box.checked ? this.show(r.name) : this.hide(r.name));
          const cells = [r.name, r.status ?? '–', String(r.epochs), fmt(r.last?.val_auc ?? null)];
          const evalCells = [e?.dataset ?? '–', fmt(e?.rocAuc), fmt(e?.tpr0), fmt(e?.tpr10), fmt(e?.purity)];
          return el('tr', {}, el('td', {}, box), ...[...cells, ...evalCells].map((c) => el('td', {}, c)));
        }),
      );
      if (runs.length === 0) this.table.append(el('tr', {}, el('td', {}, 'no runs in this folder yet')));
    } catch (err) {
      setStatus((err as Error).message, true);
    }
  }

  private hide(name: string): void {
    this.open.get(name)?.close();
    this.open.delete(name);
    this.panels.querySelector(`[data-run="${CSS.escape(name)}"]`)?.remove();
  }

  private async show(name: string): Promise<void> {
    const info = await api<RunInfo>(`/api/runs/${encodeURIComponent(name)}`);
    const charts = el('div', { class: 'charts' });
    const panel = el(
      'section',
      { class: 'panel', 'data-run': name },
      el('h3', {}, name),
      charts,
      ...info.evals.map((e) =>
        el(
          'div',
          { class: 'eval' },
          el('h4', {}, `eval/${e.dataset}`),
          el(
            'p',
            {},
            `n ${fmt(e.n)} · ROC AUC ${fmt(e.rocAuc)} · TPR0 ${fmt(e.tpr0)} · TPR10 ${fmt(e.tpr10)} · ` +
              `purity ${fmt(e.purity)} at prevalence ${fmt(e.prevalence)}`,
          ),
          ...e.images
            .filter((f) => f.endsWith('.png'))
            .map((f) =>
              el('img', { src: fileUrl(name, `eval/${e.dataset}/${f}`), alt: f, title: f, class: 'plot' }),
            ),
        ),
      ),
    );
    this.panels.append(panel);
    const epochs: Epoch[] = [];
    const draw = () => {
      const series = (keys: string[]) =>
        keys
          .filter((k) => epochs.some((m) => k in m))
          .map((k) => ({ name: k, points: epochs.map((m): [number, number] => [m.epoch, m[k]]) }));
      charts.replaceChildren(
        lineChart('loss', series(['train_loss', 'val_loss'])),
        lineChart('ROC AUC', series(['train_auc', 'val_auc'])),
      );
      charts.dataset.epochs = String(epochs.length);
    };
    draw();
    const source = new EventSource(`/api/runs/${encodeURIComponent(name)}/events`);
    source.addEventListener('epoch', (ev) => {
      epochs.push(JSON.parse((ev as MessageEvent<string>).data) as Epoch);
      draw();
    });
    source.addEventListener('reset', () => {
      epochs.length = 0;
      draw();
    });
    this.open.set(name, source);
  }
}

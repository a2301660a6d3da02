const NS = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export interface Series {
  name: string;
  points: [number, number][];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** A small line chart (epoch on x) as SVG, drawn again whole when a point arrives. */
export function lineChart(title: string, series: Series[], width = 270, height = 180): SVGSVGElement {
  const pad = { l: 44, r: 8, t: 20, b: 22 };
  const root = svg('svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    class: 'chart',
    'data-title': title,
  });
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  const head = svg('text', { x: pad.l, y: 13, class: 'chart-title' });
  head.textContent = title;
  root.append(head);
  if (all.length === 0) return root;
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const X = (x: number) => pad.l + ((x - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const Y = (y: number) => height - pad.b - ((y - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  root.append(
    svg('rect', {
      x: pad.l,
      y: pad.t,
      width: width - pad.l - pad.r,
      height: height - pad.t - pad.b,
      class: 'frame',
    }),
  );
  for (const [v, y] of [
    [y1, Y(y1)],
    [y0, Y(y0)],
  ]) {
    const t = svg('text', { x: pad.l - 4, y: y + 4, 'text-anchor': 'end', class: 'tick' });
    t.textContent = v.toPrecision(3);
    root.append(t);
  }
  const xt = svg('text', { x: width - pad.r, y: height - 6, 'text-anchor': 'end', class: 'tick' });
  xt.textContent = `epoch ${x1}`;
  root.append(xt);
  series.forEach((s, k) => {
    const pts = s.points.filter(([, y]) => Number.isFinite(y));
    const colour = COLOURS[k % COLOURS.length];
    root.append(
      svg('polyline', {
        points: pts.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' '),
        stroke: colour,
        class: 'line',
      }),
    );
    const label = svg('text', { x: pad.l + 6 + k * 80, y: pad.t + 12, fill: colour, class: 'legend' });
    label.textContent = s.name;
    root.append(label);
  });
  return root;
}

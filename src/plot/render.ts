import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import sharp from 'sharp';
import { writeFileAtomic } from '../io/atomic.js';

/** A rendered chart: standalone SVG text (fonts by name: DejaVu Sans, installed by the set-up). */
export interface Chart {
  svg: string;
  width: number;
  height: number;
}

/** Fonts and sizes shared by every chart, so plots in one report look alike. */
export const FONT = 'DejaVu Sans';
export const DEFAULT_WIDTH = 360;
export const DEFAULT_HEIGHT = 300;

export interface ChartOptions {
  title?: string;
  width?: number;
  height?: number;
}

/** Compiles a vega-lite spec and renders it to SVG with vega's headless view: no browser, no canvas. */
export async function renderVegaLite(spec: TopLevelSpec): Promise<Chart> {
  const withConfig = {
    background: 'white',
    ...spec,
    config: { font: FONT, legend: { labelLimit: 400 }, ...(spec.config ?? {}) },
  } as TopLevelSpec;
  const compiled = compile(withConfig).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const size = /<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
    return { svg, width: Number(size?.[1] ?? 0), height: Number(size?.[2] ?? 0) };
  } finally {
    view.finalize();
  }
}

/**
 * The resolution of chart PNGs: 150 dpi prints sharp at the chart's size and renders as fast as the old 2x PNGs (an
 * evaluation writes a dozen); `saveChart(chart, base, { dpi: 300 })` for a journal's line-art minimum, and the SVG
 * next to each PNG is the vector original.
 */
export const CHART_DPI = 150;

/**
 * PNG bytes of an SVG at `dpi`, tagged with it: an SVG unit is a point (1/72 inch), so a 360-unit-wide chart becomes
 * 360 × dpi / 72 pixels and prints 5 inches wide, the size the SVG has.
 */
export async function svgToPng(svg: string, dpi = CHART_DPI): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: dpi }).withMetadata({ density: dpi }).png().toBuffer();
}

/** Writes `<base>.svg` and `<base>.png` (each atomically); returns their paths. */
export async function saveChart(
  chart: Chart,
  base: string,
  opts: { dpi?: number } = {},
): Promise<{ svg: string; png: string }> {
  const png = await svgToPng(chart.svg, opts.dpi ?? CHART_DPI);
  writeFileAtomic(`${base}.svg`, chart.svg);
  writeFileAtomic(`${base}.png`, png);
  return { svg: `${base}.svg`, png: `${base}.png` };
}

/** The title property, or nothing: vega-lite rejects `title: undefined` in some places. */
export function titled(title?: string): { title?: string } {
  return title === undefined ? {} : { title };
}

/** Title (when there is one), width and height of a single-view chart: the options', else the shared defaults. */
export function chartFrame(
  title: string | undefined,
  opts: ChartOptions,
): { title?: string; width: number; height: number } {
  return { ...titled(title), width: opts.width ?? DEFAULT_WIDTH, height: opts.height ?? DEFAULT_HEIGHT };
}

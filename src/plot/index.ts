// Charts (vega-lite specs rendered to SVG by vega's headless view, PNG by sharp), colour composites, galleries.
export { renderVegaLite, saveChart, svgToPng, FONT } from './render.js';
export type { Chart, ChartOptions } from './render.js';
export { rocPlot, prPlot } from './curves.js';
export type { RocSeries, PrSeries } from './curves.js';
export { confusionPlot } from './confusion.js';
export type { ConfusionCounts } from './confusion.js';
export { reliabilityPlot } from './reliability.js';
export type { ReliabilityPoint } from './reliability.js';
export { scoreHistogram } from './histogram.js';
export { metricVsBin } from './metric-vs-bin.js';
export type { BinValue } from './metric-vs-bin.js';
export { historyPlot, historyPanel, parseMetricsJsonl } from './history.js';
export type { HistoryLine } from './history.js';
export { colourComposite } from './composite.js';
export type { RgbImage, CompositeOptions } from './composite.js';
export { gallery, galleryLayout } from './gallery.js';
export type { GalleryItem, GalleryOptions } from './gallery.js';

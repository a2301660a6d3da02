import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import {
  bandColourNote,
  confusionPlot,
  galleryOverlay,
  scaleBarArcsec,
  historyPanel,
  historyPlot,
  metricVsBin,
  parseMetricsJsonl,
  prPlot,
  reliabilityPlot,
  rocPlot,
  saveChart,
  scoreHistogram,
} from '../../src/plot/index.js';
import { LensfindError } from '../../src/errors.js';

const roc = {
  name: 'resnet18',
  fpr: [0, 0, 0.001, 0.01, 0.1, 1],
  tpr: [0, 0.3, 0.5, 0.7, 0.9, 1],
  auc: 0.95,
};

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

test('ROC plot: axis titles, legend with AUC, one path per curve; log-FPR axis', async () => {
  const chart = await rocPlot([roc, { ...roc, name: 'vit', auc: 0.9 }]);
  assert.ok(chart.svg.startsWith('<svg'));
  const t = texts(chart.svg);
  assert.ok(t.includes('False positive rate'));
  assert.ok(t.includes('True positive rate'));
  assert.ok(t.includes('resnet18 (AUC 0.9500)'));
  assert.ok(t.includes('vit (AUC 0.9000)'));
  assert.ok(chart.svg.includes('DejaVu Sans'));
  assert.equal((chart.svg.match(/role-mark/g) ?? []).length >= 2, true);
  const log = await rocPlot(roc, { logFpr: true });
  const lt = texts(log.svg);
  assert.ok(lt.includes('False positive rate (log)'));
  assert.ok(
    lt.some((s) => s === '0.001' || s === '1e-3'),
    `log ticks: ${lt.join('|')}`,
  );
});

test('PR, confusion, reliability, histogram, metric-by-bin charts carry their titles', async () => {
  const pr = texts((await prPlot({ precision: [0.5, 0.8, 1, 1], recall: [1, 0.5, 0.25, 0], ap: 0.8 })).svg);
  assert.ok(
    pr.includes('Recall (completeness)') &&
      pr.includes('Precision (purity)') &&
      pr.includes('model 1 (AP 0.8000)'),
  );

  const cm = texts((await confusionPlot({ tp: 40, fp: 10, tn: 90, fn: 60 }, { threshold: 0.5 })).svg);
  assert.ok(cm.includes('Predicted class') && cm.includes('True class'));
  assert.ok(
    cm.includes('40 (40.0%)') && cm.includes('90 (90.0%)') && cm.includes('Confusion matrix (threshold 0.5)'),
  );

  const rel = texts(
    (
      await reliabilityPlot(
        [
          { count: 10, meanPredicted: 0.1, fractionPositive: 0.12 },
          { count: 0, meanPredicted: NaN, fractionPositive: NaN },
          { count: 5, meanPredicted: 0.9, fractionPositive: 0.8 },
        ],
        { ece: 0.0123 },
      )
    ).svg,
  );
  assert.ok(
    rel.includes('Mean predicted probability') &&
      rel.includes('Fraction of lenses') &&
      rel.includes('Reliability (ECE 0.0123)'),
  );

  const hist = await scoreHistogram([0, 0, 1, 1, 0], [0.1, 0.2, 0.9, 0.95, 0.15], {
    bins: 10,
    logCount: true,
  });
  const ht = texts(hist.svg);
  assert.ok(ht.includes('Score') && ht.includes('Count') && ht.includes('lens') && ht.includes('non-lens'));
  assert.equal((hist.svg.match(/<path[^>]*aria-roledescription="bar"/g) ?? []).length, 3);

  const mvb = texts(
    (
      await metricVsBin(
        [
          { bin: '[0.5, 1)', value: 0.4, lower: 0.3, upper: 0.5, count: 20 },
          { bin: '[1, 2]', value: 0.9, count: 30 },
          { bin: '[2, 3]', value: NaN },
        ],
        { metric: 'TPR', xTitle: 'θ_E (arcsec)' },
      )
    ).svg,
  );
  assert.ok(mvb.includes('TPR') && mvb.includes('θ_E (arcsec)') && mvb.includes('[0.5, 1) (n=20)'));
  assert.ok(!mvb.some((s) => s.startsWith('[2, 3]')));
});

test('metric by bin: error bars, the threshold under the title, categories as points without a line', async () => {
  const rows = [
    { bin: 'none', value: 0.8, lower: 0.7, upper: 0.9, count: 20 },
    { bin: 'spiral', value: 0.1, lower: 0.02, upper: 0.2, count: 12 },
  ];
  const marks = (svg: string) => new Set(svg.match(/aria-roledescription="[^"]*"/g));
  const subtitle = 'lens if probability ≥ 0.5; bars: bootstrap 95% intervals';
  const numeric = await metricVsBin(rows, { metric: 'TPR', xTitle: 'θ_E (arcsec)', subtitle });
  const cats = await metricVsBin(rows, {
    metric: 'FPR',
    xTitle: 'kind of non-lens',
    categorical: true,
    subtitle,
  });
  for (const c of [numeric, cats]) {
    assert.ok(marks(c.svg).has('aria-roledescription="errorbar"'), 'error bars drawn');
    assert.ok(texts(c.svg).includes(subtitle), 'the threshold is stated');
  }
  assert.ok(marks(numeric.svg).has('aria-roledescription="line mark"'));
  assert.ok(!marks(cats.svg).has('aria-roledescription="line mark"'), 'no line between categories');
});

test('gallery: a scale bar in arcsec from the pixel scale, and the band-to-colour note', () => {
  const image = { width: 64, height: 64, rgb: new Uint8Array(64 * 64 * 3) };
  const note = bandColourNote(3, ['g', 'r', 'i']);
  assert.equal(note, 'R, G, B = i, r, g');
  assert.equal(bandColourNote(5), 'R, G, B = band 5, band 3, band 1');
  // 64 pixels of 0.2" = 12.8": the longest round bar within 40% of it is 5", i.e. 25 cutout pixels = 50 tile pixels.
  const svg = galleryOverlay([{ image }, { image }], { tile: 128, pixelScale: 0.2, note, title: 'T' });
  const bar = /class="scale-bar" data-arcsec="([\d.]+)" data-length-px="([\d.]+)"/.exec(svg);
  assert.deepEqual([Number(bar?.[1]), Number(bar?.[2])], [5, 50]);
  assert.ok(svg.includes('5″') && svg.includes(note));
  assert.equal(scaleBarArcsec(3), 1);
  assert.ok(
    !galleryOverlay([{ image }], { tile: 128 }).includes('scale-bar'),
    'no bar without a pixel scale',
  );
});

test('history plot from metrics.jsonl: loss and metric panels', async () => {
  const lines = parseMetricsJsonl(
    [
      '{"epoch":1,"loss":0.7,"val_loss":0.69,"val_auc":0.6}',
      '',
      '{"epoch":2,"loss":0.5,"val_loss":0.55,"val_auc":0.8}',
    ].join('\n'),
  );
  assert.equal(lines.length, 2);
  const t = texts((await historyPlot(lines)).svg);
  assert.ok(t.includes('Epoch') && t.includes('Loss') && t.includes('Metric'));
  assert.ok(t.includes('val_loss') && t.includes('val_auc') && t.includes('loss'));
  assert.throws(
    () => parseMetricsJsonl('{"epoch":1}\nnot json', 'runs/x/metrics.jsonl'),
    (e: unknown) => {
      return e instanceof LensfindError && e.message.startsWith('runs/x/metrics.jsonl:2:');
    },
  );
});

test('history plot: each quantity on its own axis (img/s and lr apart from AUC and accuracy)', async () => {
  const line = (epoch: number, auc: number) => ({
    epoch,
    lr: 1e-3 / epoch,
    train_loss: 0.7 / epoch,
    val_loss: 0.69 / epoch,
    train_accuracy: 0.5 + 0.1 * epoch,
    train_auc: auc - 0.05,
    val_auc: auc,
    images_per_s: 340 + epoch,
    seconds: 12,
  });
  const t = texts((await historyPlot([line(1, 0.8), line(2, 0.9), line(3, 0.95)])).svg);
  for (const title of ['Loss', 'Metric', 'Images per second', 'Learning rate'])
    assert.equal(t.filter((x) => x === title).length, 1, title);
  assert.ok(t.includes('train_auc') && t.includes('val_auc') && t.includes('images_per_s'));
  assert.ok(!t.includes('seconds'));
  assert.deepEqual(
    [
      'train_loss',
      'val_loss',
      'train_auc',
      'val_auc',
      'train_accuracy',
      'val_tpr_fpr1e-2',
      'images_per_s',
      'lr',
    ].map(historyPanel),
    ['loss', 'loss', 'metrics', 'metrics', 'metrics', 'metrics', 'throughput', 'lr'],
  );
});

/** The pHYs chunk of a PNG as dots per inch (read from the bytes, not through sharp). */
function pngDpi(png: Buffer): number | undefined {
  for (let at = 8; at + 12 <= png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'pHYs' && png[at + 16] === 1) return png.readUInt32BE(at + 8) * 0.0254;
    at += 12 + len;
  }
  return undefined;
}

test('saveChart writes SVG and a 150 dpi (or 300 dpi) PNG whose pixel size prints at the SVG size', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-plot-'));
  const chart = await rocPlot(roc);
  const out = await saveChart(chart, path.join(dir, 'roc'));
  assert.equal(readFileSync(out.svg, 'utf8'), chart.svg);
  const meta = await sharp(out.png).metadata();
  assert.equal(meta.format, 'png');
  // SVG units are points (1/72 in): 150 dpi gives width * 150 / 72 pixels, tagged 150 dpi (5906 px/m).
  assert.equal(meta.width, Math.round((chart.width * 150) / 72));
  assert.equal(meta.height, Math.round((chart.height * 150) / 72));
  assert.ok(Math.abs(pngDpi(readFileSync(out.png))! - 150) < 0.02);
  const hi = await saveChart(chart, path.join(dir, 'roc300'), { dpi: 300 });
  assert.equal((await sharp(hi.png).metadata()).width, Math.round((chart.width * 300) / 72));
  assert.ok(Math.abs(pngDpi(readFileSync(hi.png))! - 300) < 0.02);
  assert.ok(existsSync(out.png));
  assert.deepEqual(readdirSync(dir).sort(), ['roc.png', 'roc.svg', 'roc300.png', 'roc300.svg']); // no temporary files left
});

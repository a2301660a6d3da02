import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as metrics from '../../src/eval/index.js';

// Reference values from scripts/fixtures/eval_sklearn.py (Debian python3-sklearn 1.2.1).
interface Case {
  name: string;
  labels: number[];
  scores: number[];
  rocAuc: number;
  roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  rocAll: { fpr: number[]; tpr: number[]; thresholds: number[] };
  averagePrecision: number;
  pr: { precision: number[]; recall: number[]; thresholds: number[] };
  brier: number;
  logLoss: number;
  logLossEps1e15: number;
  calibration: { fractionPositive: number[]; meanPredicted: number[] };
  atThreshold: Record<
    string,
    { tp: number; fp: number; tn: number; fn: number; mcc: number; f1: number; balancedAccuracy: number }
  >;
}
const fixture = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../fixtures/eval/sklearn.json'), 'utf8'),
) as { cases: Case[] };

const TOL = 1e-9;
function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= TOL, `${what}: ${actual} vs sklearn ${expected}`);
}
function closeArray(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => close(a, expected[i], `${what}[${i}]`));
}

test('fixture holds tied and 1%-prevalence cases', () => {
  assert.ok(fixture.cases.length >= 6);
  const prev = fixture.cases.find((c) => c.name === 'prev1pct')!;
  assert.equal(prev.labels.filter((y) => y === 1).length, 20);
  const ties = fixture.cases.find((c) => c.name === 'ties-1dp')!;
  assert.ok(new Set(ties.scores).size < 15);
});

for (const c of fixture.cases) {
  test(`${c.name}: ranking metrics equal sklearn`, () => {
    close(metrics.rocAuc(c.labels, c.scores), c.rocAuc, 'roc_auc_score');
    close(metrics.averagePrecision(c.labels, c.scores), c.averagePrecision, 'average_precision_score');
    const roc = metrics.rocCurve(c.labels, c.scores);
    closeArray(roc.fpr, c.roc.fpr, 'fpr');
    closeArray(roc.tpr, c.roc.tpr, 'tpr');
    closeArray(roc.thresholds, c.roc.thresholds, 'thresholds');
    const all = metrics.rocCurve(c.labels, c.scores, { dropIntermediate: false });
    closeArray(all.fpr, c.rocAll.fpr, 'fpr (all)');
    closeArray(all.tpr, c.rocAll.tpr, 'tpr (all)');
    closeArray(all.thresholds, c.rocAll.thresholds, 'thresholds (all)');
    const pr = metrics.precisionRecallCurve(c.labels, c.scores);
    closeArray(pr.precision, c.pr.precision, 'precision');
    closeArray(pr.recall, c.pr.recall, 'recall');
    closeArray(pr.thresholds, c.pr.thresholds, 'pr thresholds');
  });

  test(`${c.name}: probability metrics equal sklearn`, () => {
    close(metrics.brier(c.labels, c.scores), c.brier, 'brier_score_loss');
    close(metrics.logLoss(c.labels, c.scores), c.logLoss, 'log_loss');
    close(metrics.logLoss(c.labels, c.scores, { eps: 1e-15 }), c.logLossEps1e15, 'log_loss eps=1e-15');
    const bins = metrics.reliabilityCurve(c.labels, c.scores).filter((b) => b.count > 0);
    closeArray(
      bins.map((b) => b.fractionPositive),
      c.calibration.fractionPositive,
      'calibration prob_true',
    );
    closeArray(
      bins.map((b) => b.meanPredicted),
      c.calibration.meanPredicted,
      'calibration prob_pred',
    );
  });

  test(`${c.name}: threshold metrics equal sklearn`, () => {
    for (const [t, ref] of Object.entries(c.atThreshold)) {
      const m = metrics.metricsAtThreshold(c.labels, c.scores, Number(t));
      assert.deepEqual(metrics.confusion(c.labels, c.scores, Number(t)), {
        tp: ref.tp,
        fp: ref.fp,
        tn: ref.tn,
        fn: ref.fn,
      });
      close(m.mcc, ref.mcc, `mcc@${t}`);
      close(m.f1, ref.f1, `f1@${t}`);
      close(m.balancedAccuracy, ref.balancedAccuracy, `balanced_accuracy@${t}`);
    }
  });
}

test('log loss differs between eps defaults only where probabilities are 0 or 1', () => {
  const c = fixture.cases.find((x) => x.name === 'ties-2dp-prev10')!;
  assert.ok(c.logLoss !== c.logLossEps1e15);
  close(metrics.logLoss(c.labels, c.scores), c.logLoss, 'log_loss');
});

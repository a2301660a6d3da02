import type { CsvRow } from '../io/csv.js';
import { ensureWritableFile } from '../io/output-dir.js';
import { catalogFormat, writeCsvStreamed, writeParquetCatalog } from '../predict/catalog.js';
import type { CatalogTable } from './catalog-table.js';
import type { Grade, GradeStore } from './grade-store.js';

export interface GradeSummary {
  candidates: number;
  /** Candidates with at least one grade. */
  graded: number;
  /** Grades given by each grader. */
  byGrader: Record<string, number>;
  /** Mean of every candidate's mean grade, over graded candidates; null when none is graded. */
  meanGrade: number | null;
  /** Candidates graded differently by two or more graders, widest spread first. */
  disagreements: { id: string; grades: Record<string, Grade>; spread: number; mean: number }[];
}

function mean(values: Iterable<number>): number {
  let s = 0;
  let n = 0;
  for (const v of values) {
    s += v;
    n++;
  }
  return s / n;
}

/** Progress, consensus and disagreements of the grades of a catalogue's candidates. */
export function gradeSummary(table: CatalogTable, store: GradeStore): GradeSummary {
  const by = store.byCandidate();
  const byGrader: Record<string, number> = {};
  const disagreements: GradeSummary['disagreements'] = [];
  let graded = 0;
  let meanSum = 0;
  for (const [id, grades] of by) {
    if (!table.hasId(id)) continue;
    graded++;
    const values = [...grades.values()];
    const m = mean(values);
    meanSum += m;
    for (const g of grades.keys()) byGrader[g] = (byGrader[g] ?? 0) + 1;
    const spread = Math.max(...values) - Math.min(...values);
    if (spread > 0) disagreements.push({ id, grades: Object.fromEntries(grades), spread, mean: m });
  }
  disagreements.sort((a, b) => b.spread - a.spread || a.id.localeCompare(b.id));
  return {
    candidates: table.n,
    graded,
    byGrader,
    meanGrade: graded ? meanSum / graded : null,
    disagreements,
  };
}

/**
 * The catalogue joined with its grades: every catalogue column, then `grade_<grader>` per grader, `grade_mean` and
 * `grade_n` (empty/null where ungraded), in catalogue order.
 */
export function gradedColumns(
  table: CatalogTable,
  store: GradeStore,
): { columns: string[]; row: (k: number) => CsvRow } {
  const by = store.byCandidate();
  const graders = store.graders();
  const gradeCols = graders.map((g) => `grade_${g}`);
  const columns = [...table.columns, ...gradeCols, 'grade_mean', 'grade_n'];
  const row = (k: number): CsvRow => {
    const r: CsvRow = table.row(k);
    const grades = by.get(table.id(k));
    graders.forEach((g, j) => (r[gradeCols[j]] = grades?.get(g) ?? null));
    r.grade_mean = grades ? mean(grades.values()) : null;
    r.grade_n = grades ? grades.size : 0;
    return r;
  };
  return { columns, row };
}

/** Writes the graded catalogue (.csv or .parquet, atomically); an unwritable place is an OutputError naming it. */
export function exportGrades(table: CatalogTable, store: GradeStore, out: string): string {
  ensureWritableFile(out);
  const { columns, row } = gradedColumns(table, store);
  if (catalogFormat(out) === 'csv') writeCsvStreamed(out, columns, table.n, row);
  else writeParquetCatalog(out, columns, table.n, row);
  return out;
}

// lensfind serve: a web page to follow runs and grade candidates.
export { startServer } from './server.js';
export type { ServeOptions, RunningServer } from './server.js';
export {
  GradeStore,
  gradesFileFor,
  GRADES,
  GRADE_LETTERS,
  checkGrade,
  checkGraderName,
} from './grade-store.js';
export type { Grade, GradeRecord } from './grade-store.js';
export { CatalogTable, readCatalogTable, FILTER_OPS } from './catalog-table.js';
export type { ColumnFilter, ViewQuery, Cell } from './catalog-table.js';
export { exportGrades, gradeSummary, gradedColumns } from './export.js';
export type { GradeSummary } from './export.js';
export { listRuns, runInfo } from './runs.js';
export type { RunInfo, EvalHeadline } from './runs.js';

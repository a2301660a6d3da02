/**
 * The shapes of the runs API (GET /api/runs, /api/runs/<name>): written by the server (runs.ts) and read by the page
 * (client/runs.ts), so both compile against one definition. Types only: no imports, nothing at run time.
 */
/** An evaluation's headline numbers (eval/<dataset>/metrics.json), null where undefined for the data. */
export interface EvalHeadline {
  dataset: string;
  n: number | null;
  rocAuc: number | null;
  tpr0: number | null;
  tpr10: number | null;
  /** Expected purity at the survey prevalence (default 1/1000), at the threshold chosen at the reported FPR. */
  purity: number | null;
  prevalence: number | null;
  /** The plots and galleries of this evaluation (file names inside eval/<dataset>/). */
  images: string[];
}

export interface RunInfo {
  name: string;
  /** summary.json's status (`completed`, `failed`, ...), `training` while train.lock is there, or null. */
  status: string | null;
  epochs: number;
  /** The last epoch's line of metrics.jsonl. */
  last: Record<string, number> | null;
  evals: EvalHeadline[];
  /** Plots at the run's top level (history.png, ...). */
  images: string[];
}

import Database from 'better-sqlite3';
import path from 'node:path';
import { LensfindError } from '../errors.js';

/**
 * The grading scale: HOLISMOKES' 0–3 (3 = definitely a lens, 2 = probably, 1 = possibly, 0 = not a lens), which is
 * also Space Warps' A/B/C/not-a-lens read as 3/2/1/0. The mean of several graders' numbers is the consensus.
 */
export const GRADES = [0, 1, 2, 3] as const;
export type Grade = (typeof GRADES)[number];
export const GRADE_LETTERS: Record<Grade, string> = { 3: 'A', 2: 'B', 1: 'C', 0: 'not a lens' };

/** A grader's name: what the page shows and what the export's `grade_<name>` column is called. */
const GRADER_NAME = /^[A-Za-z0-9_.-]{1,40}$/;

export function checkGraderName(name: unknown): string {
  if (typeof name !== 'string' || !GRADER_NAME.test(name)) {
    throw new LensfindError(
      'E_GRADE',
      `grader ${JSON.stringify(name)}: expected 1 to 40 letters, digits, '_', '.' or '-'`,
    );
  }
  return name;
}

export function checkGrade(value: unknown): Grade {
  if (typeof value !== 'number' || !(GRADES as readonly number[]).includes(value)) {
    throw new LensfindError('E_GRADE', `grade ${JSON.stringify(value)}: expected 0, 1, 2 or 3`);
  }
  return value as Grade;
}

export interface GradeRecord {
  id: string;
  grader: string;
  grade: Grade;
  /** Milliseconds since 1970, when it was given. */
  time: number;
}

/** The grades file of a catalogue: `<catalogue>.grades.sqlite` beside it. */
export function gradesFileFor(catalog: string): string {
  return path.join(path.dirname(path.resolve(catalog)), `${path.basename(catalog)}.grades.sqlite`);
}

/**
 * Grades in SQLite, one row per (candidate, grader). WAL mode with synchronous=FULL: every `set` is a committed,
 * fsync'ed transaction when it returns, so a grade the page was told about survives a kill -9 of the server or a
 * power cut. Every change is also appended to `history`, which is what undo and audits read.
 */
export class GradeStore {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly log: Database.Statement;

  constructor(readonly file: string) {
    try {
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS grades (
          id TEXT NOT NULL, grader TEXT NOT NULL, grade INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 3),
          time INTEGER NOT NULL, PRIMARY KEY (id, grader)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS history (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, grader TEXT NOT NULL, grade INTEGER,
          time INTEGER NOT NULL);`);
    } catch (err) {
      throw new LensfindError(
        'E_GRADES_FILE',
        `${file}: cannot open the grades database: ${(err as Error).message}`,
      );
    }
    this.upsert = this.db.prepare(
      'INSERT INTO grades (id, grader, grade, time) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (id, grader) DO UPDATE SET grade = excluded.grade, time = excluded.time',
    );
    this.remove = this.db.prepare('DELETE FROM grades WHERE id = ? AND grader = ?');
    this.log = this.db.prepare('INSERT INTO history (id, grader, grade, time) VALUES (?, ?, ?, ?)');
  }

  journalMode(): string {
    return String(this.db.pragma('journal_mode', { simple: true }));
  }

  /** Sets (grade) or clears (null) one grader's grade of a candidate; committed to disk when it returns. */
  set(id: string, grader: string, grade: Grade | null, time = Date.now()): void {
    this.db.transaction(() => {
      if (grade === null) this.remove.run(id, grader);
      else this.upsert.run(id, grader, grade, time);
      this.log.run(id, grader, grade, time);
    })();
  }

  get(id: string, grader: string): Grade | null {
    const row = this.db.prepare('SELECT grade FROM grades WHERE id = ? AND grader = ?').get(id, grader) as
      { grade: Grade } | undefined;
    return row ? row.grade : null;
  }

  all(): GradeRecord[] {
    return this.db
      .prepare('SELECT id, grader, grade, time FROM grades ORDER BY id, grader')
      .all() as GradeRecord[];
  }

  /** Every grade of each candidate: id → grader → grade. */
  byCandidate(): Map<string, Map<string, Grade>> {
    const out = new Map<string, Map<string, Grade>>();
    for (const r of this.all()) {
      let m = out.get(r.id);
      if (!m) out.set(r.id, (m = new Map()));
      m.set(r.grader, r.grade);
    }
    return out;
  }

  /** The candidates `grader` graded at or before `time` (ms): what an "ungraded only" view set aside. */
  gradedBy(grader: string, time: number): string[] {
    return (
      this.db.prepare('SELECT id FROM grades WHERE grader = ? AND time <= ?').all(grader, time) as {
        id: string;
      }[]
    ).map((r) => r.id);
  }

  graders(): string[] {
    return (
      this.db.prepare('SELECT DISTINCT grader FROM grades ORDER BY grader').all() as { grader: string }[]
    ).map((r) => r.grader);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

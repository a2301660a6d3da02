/**
 * Progress for long work: a redrawn bar on a terminal, plain lines (every `plainEvery` seconds) in CI logs
 * and pipes. Shows done/total, rate, ETA and any extra fields (loss, accuracy).
 */
export interface ProgressOptions {
  label: string;
  total: number;
  unit?: string;
  stream?: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean; columns?: number };
  /** Seconds between plain lines when not on a terminal. */
  plainEvery?: number;
  /** Override terminal detection (tests). */
  tty?: boolean;
  /** No output at all. */
  quiet?: boolean;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export class Progress {
  private done = 0;
  private readonly start = performance.now();
  private lastDraw = performance.now();
  /** Items done at the last plain line (-1: none yet), so the end is not printed twice. */
  private plainDone = -1;
  private fields: Record<string, string | number> = {};
  private readonly tty: boolean;
  private readonly stream: NonNullable<ProgressOptions['stream']>;

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = opts.tty ?? Boolean((this.stream as { isTTY?: boolean }).isTTY && !process.env.CI);
  }

  /** Images (or items) per second since the start. */
  get rate(): number {
    const elapsed = (performance.now() - this.start) / 1000;
    return elapsed > 0 ? this.done / elapsed : 0;
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.start) / 1000;
  }

  tick(n = 1, fields?: Record<string, string | number>): void {
    this.update(this.done + n, fields);
  }

  update(done: number, fields?: Record<string, string | number>): void {
    this.done = done;
    if (fields) this.fields = { ...this.fields, ...fields };
    const now = performance.now();
    const every = this.tty ? 100 : (this.opts.plainEvery ?? 10) * 1000;
    const end = this.done >= this.opts.total && (this.tty || this.plainDone !== this.done || fields);
    if (now - this.lastDraw >= every || end) this.draw(now);
  }

  finish(fields?: Record<string, string | number>): void {
    if (fields) this.fields = { ...this.fields, ...fields };
    // in a log, the last line may already be the end (update reached the total): once is enough
    if (!this.tty && !fields && this.plainDone === this.done) return;
    this.draw(performance.now(), true);
  }

  private line(): string {
    const { total, unit = 'it', label } = this.opts;
    const rate = this.rate;
    const eta = rate > 0 ? (total - this.done) / rate : Infinity;
    const extra = Object.entries(this.fields)
      .map(
        ([k, v]) =>
          `${k}=${typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4)) : v}`,
      )
      .join(' ');
    const pct = total > 0 ? Math.floor((100 * this.done) / total) : 100;
    const stats = `${this.done}/${total} ${rate.toFixed(1)} ${unit}/s elapsed ${formatDuration(this.elapsedSeconds)} eta ${formatDuration(eta)}`;
    if (!this.tty) return `${label}: ${pct}% ${stats}${extra ? ' ' + extra : ''}`;
    const width = Math.max(10, Math.min(30, ((this.stream as { columns?: number }).columns ?? 100) - 80));
    const filled = total > 0 ? Math.round((width * this.done) / total) : width;
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${stats}${extra ? ' ' + extra : ''}`;
  }

  private draw(now: number, final = false): void {
    this.lastDraw = now;
    if (this.opts.quiet) return;
    if (this.tty) this.stream.write(`\r\x1b[2K${this.line()}${final ? '\n' : ''}`);
    else {
      this.stream.write(`${this.line()}\n`);
      this.plainDone = this.done;
    }
  }
}

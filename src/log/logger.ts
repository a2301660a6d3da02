import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { makeDirs } from '../io/mkdirs.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface LoggerOptions {
  /** Also append every line, with a timestamp, to this file (a run's `train.log`). */
  file?: string;
  /** Lowest level printed to the console (the file gets everything from `debug`). */
  level?: LogLevel;
  /** Print to stderr (default) or stay quiet on the console (tests). */
  console?: boolean;
}

/** A logger that writes readable lines: `2026-11-24T10:00:00Z INFO message`, to the console and a file. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const logger = createDeferredLogger(opts);
  if (opts.file) logger.setFile(opts.file);
  return logger;
}

/** A logger whose file is chosen later (`setFile`). */
export interface FileLogger extends Logger {
  /** Appends every line to `file` from now on, starting with the lines logged before (kept until then). */
  setFile(file: string): void;
  /** A line for the file only: what the console already shows another way (a failure the CLI prints). */
  fileOnly(level: LogLevel, msg: string): void;
}

/**
 * A logger that keeps its lines in memory until it is given a file: a run logs while it checks its data and
 * model, and creates its folder (and train.log) only once they are good.
 */
export function createDeferredLogger(opts: Omit<LoggerOptions, 'file'> = {}): FileLogger {
  const level = opts.level ?? (process.env.LENSFIND_LOG_LEVEL as LogLevel | undefined) ?? 'info';
  let file: string | null = null;
  let pending: string[] = [];
  const write = (lvl: LogLevel, msg: string, toConsole = true) => {
    const line = `${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${msg}\n`;
    if (file) appendFileSync(file, line);
    else pending.push(line);
    if (toConsole && opts.console !== false && ORDER[lvl] >= ORDER[level]) {
      process.stderr.write(lvl === 'info' ? `${msg}\n` : `${lvl}: ${msg}\n`);
    }
  };
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    fileOnly: (lvl, m) => write(lvl, m, false),
    setFile(f) {
      makeDirs(path.dirname(f));
      if (pending.length > 0) appendFileSync(f, pending.join(''));
      pending = [];
      file = f;
    },
  };
}

/** A logger that drops everything (library calls made without one). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

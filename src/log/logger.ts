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
  const level = opts.level ?? (process.env.LENSFIND_LOG_LEVEL as LogLevel | undefined) ?? 'info';
  if (opts.file) makeDirs(path.dirname(opts.file));
  const write = (lvl: LogLevel, msg: string) => {
    if (opts.file)
      appendFileSync(opts.file, `${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${msg}\n`);
    if (opts.console !== false && ORDER[lvl] >= ORDER[level]) {
      process.stderr.write(lvl === 'info' ? `${msg}\n` : `${lvl}: ${msg}\n`);
    }
  };
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
  };
}

/** A logger that drops everything (library calls made without one). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Errors lensfind raises on purpose: each has a stable `code` a program can test, and a message that names
 * the file, the field and what was expected, and says what to do next.
 */
export class LensfindError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LensfindError';
  }
}

/**
 * libtorch refused an op (a shape mismatch, an index out of range, a bad dtype): the same class whether it came
 * from a Tensor method, a free function or F.*. `op` is lensfind's name of the op; `detail` libtorch's own message.
 */
export class TorchError extends LensfindError {
  constructor(
    message: string,
    readonly op: string,
    readonly detail: string,
  ) {
    super('E_TORCH', message);
    this.name = 'TorchError';
  }
}

/** A configuration value is invalid: `field` is its dotted path, `source` the file or flag it came from. */
export class ConfigError extends LensfindError {
  constructor(
    message: string,
    readonly field?: string,
    readonly source?: string,
  ) {
    super('E_CONFIG', message);
    this.name = 'ConfigError';
  }
}

/** A data file cannot be used: unreadable, wrong shape, non-finite values. Readers report it and skip it. */
export class DataError extends LensfindError {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super('E_DATA', message);
    this.name = 'DataError';
  }
}

/**
 * An output path lensfind cannot or must not write: unwritable, impossible (under a regular file, in /proc), or a
 * folder that belongs to someone else (`E_FOREIGN_FOLDER`). Raised before any work starts.
 */
export class OutputError extends LensfindError {
  constructor(
    message: string,
    readonly path: string,
    code: 'E_OUTPUT' | 'E_FOREIGN_FOLDER' = 'E_OUTPUT',
  ) {
    super(code, message);
    this.name = 'OutputError';
  }
}

/** An error as it crosses a worker thread's port (a structured clone keeps neither the class nor `code`). */
export interface ErrorMessage {
  message: string;
  stack?: string;
  name?: string;
  code?: string;
  field?: string;
}

/** What a worker posts for an error, so that the main thread can rebuild it (rebuildError). */
export function errorMessage(err: unknown): ErrorMessage {
  const e = (err instanceof Error ? err : new Error(String(err))) as Error & {
    code?: string;
    field?: string;
  };
  return { message: e.message, stack: e.stack, name: e.name, code: e.code, field: e.field };
}

/** The error a worker posted, as lensfind's class of it: ConfigError, DataError, LensfindError (any code), else Error. */
export function rebuildError(m: ErrorMessage): Error {
  const err =
    m.code === 'E_CONFIG'
      ? new ConfigError(m.message, m.field)
      : m.code === 'E_DATA'
        ? new DataError(m.message)
        : m.code
          ? new LensfindError(m.code, m.message)
          : new Error(m.message);
  if (m.stack) err.stack = m.stack;
  return err;
}

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

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LensfindError } from '../errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  description: string;
  valueName?: string;
};

/** A CLI command: a typed option table, a one-line summary, and a `run` that calls the library. */
export interface Command {
  name: string;
  summary: string;
  usage?: string;
  options: Record<string, OptionSpec>;
  allowPositionals?: boolean;
  run(args: ParsedArgs): Promise<number | void>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** Parses `argv` against a command's option table without starting a process (tests call this directly). */
export function parseCommandArgs(cmd: Command, argv: readonly string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(cmd.options).map(([k, { description: _d, valueName: _v, ...spec }]) => [k, spec]),
      ),
      allowPositionals: cmd.allowPositionals ?? false,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (err) {
    throw new LensfindError(
      'E_USAGE',
      `lensfind ${cmd.name}: ${(err as Error).message}\n\n${formatHelp(cmd)}`,
    );
  }
}

export function formatHelp(cmd: Command): string {
  const rows = Object.entries(cmd.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(34)} ${o.description}${o.default !== undefined ? ` (default: ${String(o.default)})` : ''}`;
  });
  return `usage: lensfind ${cmd.name} ${cmd.usage ?? '[options]'}\n\n${cmd.summary}\n\noptions:\n${rows.join('\n')}`;
}

/** Common flags every configurable command takes. */
export const configOptions = {
  config: { type: 'string', short: 'c', description: 'YAML configuration file', valueName: 'FILE' },
  set: {
    type: 'string',
    multiple: true,
    description: 'override one option: --set optim.lr=3e-4',
    valueName: 'KEY=VALUE',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies Record<string, OptionSpec>;

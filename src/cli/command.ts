import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LensfindError } from '../errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  description: string;
  valueName?: string;
};

/** Exit codes (README, "The command line"). */
export const EXIT = {
  OK: 0,
  /** A bug: the message and a stack trace. */
  INTERNAL: 1,
  /** Bad usage, configuration, data or weights, a locked run, a diverging loss: one line saying what to fix. */
  USER_ERROR: 2,
  /** Stopped by SIGINT/SIGTERM after saving checkpoints/last: `--resume` continues. */
  INTERRUPTED: 130,
} as const;

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
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(cmd.options).map(([k, { description: _d, valueName: _v, ...spec }]) => [k, spec]),
      ),
      allowPositionals: cmd.allowPositionals ?? false,
      strict: true,
      tokens: true,
    });
  } catch (err) {
    throw new LensfindError('E_USAGE', `${(err as Error).message}\n\n${formatHelp(cmd)}`);
  }
  refuseRepeats(cmd, parsed.tokens);
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** A single-valued flag given twice with different values (`--epochs 1 --epochs 30`): refused, not last-wins. */
function refuseRepeats(cmd: Command, tokens: ReturnType<typeof parseArgs>['tokens']): void {
  const seen = new Map<string, string | undefined>();
  for (const t of tokens ?? []) {
    if (t.kind !== 'option' || cmd.options[t.name]?.multiple) continue;
    if (seen.has(t.name) && seen.get(t.name) !== t.value) {
      throw new LensfindError(
        'E_USAGE',
        `--${t.name} given twice with different values (${String(seen.get(t.name))} and ${String(t.value)}): give it once`,
      );
    }
    seen.set(t.name, t.value);
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

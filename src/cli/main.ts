#!/usr/bin/env node
import { EXIT, formatHelp, parseCommandArgs, type Command } from './command.js';
import { LensfindError } from '../errors.js';

/** Commands load lazily, so `lensfind simulate` never loads libtorch. */
export const commands: Record<string, () => Promise<Command>> = {
  simulate: async () => (await import('./commands/simulate.js')).simulateCommand,
  inject: async () => (await import('./commands/inject.js')).injectCommand,
  train: async () => (await import('./commands/train.js')).trainCommand,
  evaluate: async () => (await import('./commands/evaluate.js')).evaluateCommand,
  ensemble: async () => (await import('./commands/ensemble.js')).ensembleCommand,
  calibrate: async () => (await import('./commands/calibrate.js')).calibrateCommand,
  predict: async () => (await import('./commands/predict.js')).predictCommand,
  merge: async () => (await import('./commands/merge.js')).mergeCommand,
  search: async () => (await import('./commands/search.js')).searchCommand,
  export: async () => (await import('./commands/export.js')).exportCommand,
  sersic: async () => (await import('./commands/sersic.js')).sersicCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  info: async () => (await import('./commands/info.js')).infoCommand,
};

/** The command list with each command's one-line summary (command modules are small: the library loads later). */
async function mainHelp(): Promise<string> {
  const rows = await Promise.all(
    Object.entries(commands).map(async ([name, load]) => {
      const first = (await load()).summary.split(/(?<=\.)\s|:\s/)[0].replace(/\.$/, '');
      return `  ${name.padEnd(10)} ${first}`;
    }),
  );
  return [
    'lensfind: find strong gravitational lenses in survey cutouts',
    '',
    'usage: lensfind <command> [options]   (lensfind <command> --help for its options)',
    '',
    'commands:',
    ...rows,
  ].join('\n');
}

/** Whether errors print their stack trace: `--verbose` anywhere on the line, or LENSFIND_DEBUG=1. */
function verboseErrors(argv: readonly string[]): boolean {
  return argv.includes('--verbose') || process.env.LENSFIND_DEBUG === '1';
}

export async function main(argv: readonly string[]): Promise<number> {
  const verbose = verboseErrors(argv);
  const [name, ...rest] = argv.filter((a) => a !== '--verbose');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await mainHelp());
    return name ? EXIT.OK : EXIT.USER_ERROR; // no command at all is a usage error
  }
  const load = commands[name];
  if (!load) {
    console.error(`lensfind: unknown command '${name}'. Commands: ${Object.keys(commands).join(', ')}`);
    return EXIT.USER_ERROR;
  }
  const cmd = await load();
  try {
    const args = parseCommandArgs(cmd, rest);
    if (args.values.help) {
      console.log(formatHelp(cmd));
      return 0;
    }
    return (await cmd.run(args)) ?? 0;
  } catch (err) {
    return reportError(name, err, verbose);
  }
}

/**
 * Any error as one line and an exit code: a LensfindError is something to fix (2), anything else a bug (1). The
 * stack trace, for a bug report, only with --verbose or LENSFIND_DEBUG=1.
 */
export function reportError(command: string, err: unknown, verbose: boolean): number {
  const message = err instanceof Error ? err.message : String(err);
  const user = err instanceof LensfindError;
  const hint = user || verbose ? '' : ' (--verbose or LENSFIND_DEBUG=1 prints the stack trace)';
  console.error(`lensfind ${command}: ${user ? '' : 'internal error: '}${message}${hint}`);
  if (verbose && err instanceof Error && err.stack) console.error(err.stack);
  return user ? EXIT.USER_ERROR : EXIT.INTERNAL;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.ts')) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.exitCode = reportError(process.argv[2] ?? '', err, verboseErrors(process.argv.slice(2)));
    },
  );
}

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

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
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
    if (err instanceof LensfindError) {
      console.error(`lensfind ${name}: ${err.message}`);
      return EXIT.USER_ERROR;
    }
    // Not something the user can fix: one line first, then where it happened for the bug report.
    console.error(`lensfind ${name}: internal error: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof Error && err.stack) console.error(err.stack);
    return EXIT.INTERNAL;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.ts')) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exitCode = 1;
    },
  );
}

import { readFileSync } from 'node:fs';
import type { Command } from '../command.js';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show the lensfind version, the libtorch it runs on, and the threads it uses.',
  options: { help: { type: 'boolean', short: 'h', description: 'show this help' } },
  async run() {
    const { torch } = await import('../../index.js');
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    console.log(`lensfind ${pkg.version} on Node ${process.versions.node}`);
    console.log(`libtorch ${torch.libtorchVersion()} (${torch.libtorchSource()})`);
    console.log(`compute threads ${torch.getNumThreads()} (training uses all cores unless threads: is set)`);
  },
};

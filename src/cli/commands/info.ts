import type { Command } from '../command.js';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show the lensfind version, the libtorch it runs on, and the threads it uses.',
  options: { help: { type: 'boolean', short: 'h', description: 'show this help' } },
  async run() {
    const { torch } = await import('../../index.js');
    console.log(`libtorch ${torch.libtorchVersion()} (${torch.libtorchSource()})`);
  },
};

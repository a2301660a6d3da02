import type { Logger } from '../log/logger.js';

/** SIGINT/SIGTERM during training: the first asks the loop to stop after its batch; a second exits at once. */
export interface StopSignals {
  readonly requested: boolean;
  /** Removes the handlers. */
  close(): void;
}

/** `beforeExit` runs before a second signal exits at once (to release the run folder's lock). */
export function watchStopSignals(enabled: boolean, logger: Logger, beforeExit?: () => void): StopSignals {
  let requested = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (requested) {
      logger.warn(`${sig} again: exiting now`);
      beforeExit?.();
      process.exit(130); // the CLI's code for an interrupted run (src/cli/command.ts EXIT)
    }
    requested = true;
    logger.warn(
      `${sig}: finishing the current batch, then saving checkpoints/last (send again to exit at once)`,
    );
  };
  const signals: NodeJS.Signals[] = enabled ? ['SIGINT', 'SIGTERM'] : [];
  for (const s of signals) process.on(s, onSignal);
  return {
    get requested() {
      return requested;
    },
    close: () => {
      for (const s of signals) process.off(s, onSignal);
    },
  };
}

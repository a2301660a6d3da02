/** Logging: console and file loggers, progress bars, TensorBoard event files. */
export { createLogger, silentLogger } from './logger.js';
export type { Logger } from './logger.js';
export { Progress } from './progress.js';
export { SummaryWriter } from './tensorboard.js';

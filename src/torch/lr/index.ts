// Learning-rate schedulers (PyTorch's lr_scheduler names and formulas).
export { LRScheduler, type Schedulable, type SchedulableGroup, type SchedulerState } from './scheduler.js';
export { StepLR } from './step-lr.js';
export { CosineWithWarmup } from './cosine-warmup.js';
export { OneCycleLR, type OneCycleOptions } from './one-cycle.js';
export { ReduceLROnPlateau, type PlateauOptions } from './plateau.js';

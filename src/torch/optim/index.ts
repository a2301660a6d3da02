// Optimizers with PyTorch's update rules and state_dict layout.
export {
  Optimizer,
  type OptimizerState,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsInput,
  type ParamState,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { optimizerStateToTensors, optimizerStateFromTensors, type SplitOptimizerState } from './state-io.js';
export { clipGradNorm_ } from '../clip.js';
export { FusedAdamW } from './fused-adamw.js';

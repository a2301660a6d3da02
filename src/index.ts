/**
 * lensfind's public API, as namespaces only (one per layer or leaf folder; test/api-exports.test.ts keeps a
 * snapshot of every name). Programs (the CLI, tests of public behaviour, benchmarks) import from here.
 */
export * as torch from './torch/index.js';
export * as sim from './sim/index.js';
export * as data from './data/index.js';
export * as models from './models/index.js';
export * as train from './train/index.js';
export * as infer from './infer/index.js';
// `eval` cannot be a binding name in a module, hence the import and renamed export (import it as `eval as evaluation`).
import * as evaluation from './eval/index.js';
export { evaluation as eval };
export * as metrics from './metrics/index.js';
export * as predict from './predict/index.js';
export * as onnx from './export/index.js';
export * as inject from './inject/index.js';
export * as npe from './npe/index.js';
export * as search from './search/index.js';
export * as web from './web/index.js';
export * as plot from './plot/index.js';
export * as rng from './rng/index.js';
export * as io from './io/index.js';
export * as config from './config/index.js';
export * as log from './log/index.js';
export * as errors from './errors.js';

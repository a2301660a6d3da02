/** Survey-scale search: a sharded predict written (and submitted) for Slurm job arrays or Kubernetes Indexed Jobs. */
export { writeSearch } from './search.js';
export type { SearchOptions, SearchResult } from './search.js';
export { searchConfigSchema, slurmSchema, k8sSchema } from './options.js';
export type { SearchConfig, SlurmSettings, K8sSettings } from './options.js';
export { slurmScripts, submitSlurm, parseJobId, mergeDependency, requeueScript } from './slurm.js';
export type { SlurmScripts, SlurmSubmission } from './slurm.js';
export { k8sManifests } from './k8s.js';
export type { K8sManifests } from './k8s.js';
export { predictArgs, mergeArgs, localLensfind } from './plan.js';
export type { SearchJob } from './plan.js';
export { shellQuote, shellJoin } from './shell.js';

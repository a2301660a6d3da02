import YAML from 'yaml';
import type { SearchConfig } from './options.js';

export interface K8sManifests {
  /** The Indexed Job: one completion index per shard. */
  job: string;
  /** The merge, a Job to apply once the search Job is complete (Kubernetes has no job dependencies). */
  merge: string;
}

function container(config: SearchConfig, name: string, args: string[], cpu: string, memory: string) {
  const k = config.k8s;
  return {
    name,
    image: k.image,
    command: [...k.command, ...args],
    env: [
      // Kubernetes gives the index (JOB_COMPLETION_INDEX) but not the count; predict reads this.
      { name: 'LENSFIND_SHARD_COUNT', value: String(config.shards) },
      { name: 'OMP_NUM_THREADS', value: cpu },
    ],
    resources: { requests: { cpu, memory }, limits: { memory } },
    volumeMounts: [{ name: 'data', mountPath: k.mount_path }],
  };
}

function jobDoc(
  config: SearchConfig,
  name: string,
  spec: Record<string, unknown>,
  podSpec: Record<string, unknown>,
) {
  const k = config.k8s;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ...(k.namespace ? { namespace: k.namespace } : {}), labels: { app: config.name } },
    spec: {
      ...spec,
      template: {
        metadata: { labels: { app: config.name } },
        spec: {
          restartPolicy: 'Never',
          ...podSpec,
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: k.volume_claim } }],
        },
      },
    },
  };
}

/**
 * The Kubernetes manifests of a search: an Indexed Job (`completionMode: Indexed`, `completions` = shards,
 * `parallelism`, `backoffLimitPerIndex`: a failed pod is retried for its own index only, and continues from the
 * parts on the shared volume), and the merge Job, applied after `kubectl wait --for=condition=complete`.
 */
export function k8sManifests(config: SearchConfig, predict: string[], merge: string[]): K8sManifests {
  const k = config.k8s;
  const job = jobDoc(
    config,
    config.name,
    {
      completionMode: 'Indexed',
      completions: config.shards,
      parallelism: Math.min(k.parallelism, config.shards),
      backoffLimitPerIndex: k.backoff_limit_per_index,
      ...(k.max_failed_indexes !== undefined ? { maxFailedIndexes: k.max_failed_indexes } : {}),
    },
    { containers: [container(config, 'predict', predict, k.cpu, k.memory)] },
  );
  const mergeJob = jobDoc(
    config,
    `${config.name}-merge`,
    { completions: 1, backoffLimit: 2 },
    { containers: [container(config, 'merge', merge, '1', k.memory)] },
  );
  const head = (what: string) => `# lensfind search ${config.name}: ${what}\n`;
  return {
    job: head(`${config.shards} shards, one per completion index`) + YAML.stringify(job),
    merge:
      head(
        `the merge; apply once the search Job is complete:\n#   kubectl wait --for=condition=complete job/${config.name} --timeout=-1s`,
      ) + YAML.stringify(mergeJob),
  };
}

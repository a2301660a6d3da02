import { z } from 'zod';

/**
 * A search's scheduler settings (snake_case, as in `configs/search.yaml`): how many shards, and what each task of
 * the Slurm array or the Kubernetes Indexed Job may use. The predict arguments come separately (SearchOptions).
 */
export const slurmSchema = z
  .object({
    /** Tasks running at once (`--array=0-N%K`); 0: no throttle. */
    throttle: z.number().int().min(0).default(0),
    /** Wall time per task (`--time`, Slurm's D-HH:MM:SS forms). */
    time: z
      .string()
      .regex(/^(\d+-)?\d+(:\d+){0,2}$/, 'expected a Slurm time such as 2:00:00 or 1-00:00:00')
      .default('2:00:00'),
    /** Memory per task (`--mem`, e.g. 3G). */
    mem: z
      .string()
      .regex(/^\d+[KMGT]?$/, 'expected a Slurm size such as 3G or 2048M')
      .default('3G'),
    cpus_per_task: z.number().int().min(1).default(2),
    partition: z.string().optional(),
    account: z.string().optional(),
    /** Requeue a task whose node fails or that is preempted (`--requeue`). */
    requeue: z.boolean().default(true),
    /** Wall time and memory of the merge job. */
    merge_time: z.string().default('0:30:00'),
    merge_mem: z
      .string()
      .regex(/^\d+[KMGT]?$/, 'expected a Slurm size such as 3G or 2048M')
      .default('4G'),
  })
  .strict();

export const k8sSchema = z
  .object({
    /** The container image holding lensfind (its command: `lensfind`, or `command`). */
    image: z.string().default('lensfind:latest'),
    /** The lensfind command inside the image. */
    command: z.array(z.string()).default(['lensfind']),
    /** Pods running at once. */
    parallelism: z.number().int().min(1).default(4),
    /** Retries per index before that index fails (Kubernetes >= 1.29, JobBackoffLimitPerIndex). */
    backoff_limit_per_index: z.number().int().min(0).default(3),
    /** Failed indexes allowed before the Job stops (unset: all indexes run). */
    max_failed_indexes: z.number().int().min(0).optional(),
    cpu: z.string().default('2'),
    memory: z.string().default('3Gi'),
    /** A PersistentVolumeClaim mounted at `mount_path`, holding the run, the input and the output. */
    volume_claim: z.string().default('lensfind-data'),
    mount_path: z.string().default('/data'),
    namespace: z.string().optional(),
  })
  .strict();

export const searchConfigSchema = z
  .object({
    shards: z.number().int().min(1).default(8),
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a DNS-1123 name: lower case, digits, -')
      .default('lensfind-search'),
    slurm: slurmSchema.default(slurmSchema.parse({})),
    k8s: k8sSchema.default(k8sSchema.parse({})),
  })
  .strict();

export type SlurmSettings = z.infer<typeof slurmSchema>;
export type K8sSettings = z.infer<typeof k8sSchema>;
export type SearchConfig = z.infer<typeof searchConfigSchema>;

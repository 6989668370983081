/**
 * JSON Schema of a Slurm profile file (`--profile FILE`, or ~/.config/layerfuse/slurm.yaml):
 * what a cluster needs that a pipeline should not say (partition, account, defaults). ajv checks
 * a profile's shape against it; `layerfuse schema --write` also writes it to
 * schemas/slurm-profile.schema.json for editors. Sizes, durations and factors are strings or
 * numbers here; their syntax is checked by src/resources.ts with the same words as `resources:`.
 */

const sizeOrNumber = { type: ['string', 'number'] };

export const SLURM_PROFILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://layerfuse.dev/schemas/slurm-profile.schema.json',
  title: 'layerfuse Slurm profile',
  description: 'How `layerfuse run --executor slurm` submits nodes: partition, account, default resources, extra sbatch options.',
  type: 'object',
  additionalProperties: false,
  properties: {
    partition: { type: 'string', minLength: 1, description: '`--partition` of every job; absent: the cluster\'s default partition.' },
    gpu_partition: { type: 'string', minLength: 1, description: '`--partition` of jobs that ask for a GPU; absent: `partition`.' },
    account: { type: 'string', minLength: 1, description: '`--account` to charge; absent: your default account.' },
    qos: { type: 'string', minLength: 1, description: '`--qos`; absent: the default.' },
    max_jobs: { type: 'integer', minimum: 1, description: 'Jobs of one run in flight (submitted, not finished) at once; `--max-jobs` overrides. Default 100.' },
    poll: { ...sizeOrNumber, description: 'How often squeue is asked about this run\'s jobs, e.g. 10s (a bare number is seconds). Default 5s.' },
    gres: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$',
      description: 'The GRES a node\'s `gpu: N` asks for: `gpu` gives --gres=gpu:N, `gpu:a100` gives --gres=gpu:a100:N. Default `gpu`.',
    },
    defaults: {
      type: 'object',
      additionalProperties: false,
      description: 'Resources of nodes that do not set them (the node\'s `resources:`, then its type\'s, come first).',
      properties: {
        cpus: { type: 'integer', minimum: 1, description: '--cpus-per-task.' },
        mem: { ...sizeOrNumber, description: '--mem, e.g. 4G (a bare number is MiB).' },
        time: { ...sizeOrNumber, description: '--time, e.g. 1h, 30m, 02:00:00 (a bare number is minutes).' },
      },
    },
    sbatch: {
      type: 'array',
      items: { type: 'string', pattern: '^-', errorMessage: 'each `sbatch` entry is one option, starting with `-` (e.g. --constraint=a100)' },
      description: 'More sbatch options, one per entry, passed as they are (e.g. --constraint=a100, --exclude=node07).',
    },
    setup: { type: 'string', description: 'Shell lines each job runs before layerfuse (module load, environment activation).' },
    node: {
      type: 'string',
      minLength: 1,
      description: 'How a job starts Node.js (shell words), e.g. `node` after `setup` loads a module, or /shared/sw/node-20/bin/node. Default: the Node.js running layerfuse here, by absolute path. layerfuse itself must sit on the shared filesystem.',
    },
    retries: { type: 'integer', minimum: 0, description: 'Resubmissions of a failed job, for nodes that do not set `retries`. Default 0.' },
    retry: {
      type: 'object',
      additionalProperties: false,
      description: 'How each resubmission grows the request, for nodes that do not set `retry`, e.g. {mem: x2, time: x2}.',
      properties: {
        mem: { ...sizeOrNumber, description: 'Memory factor per retry, e.g. x2.' },
        time: { ...sizeOrNumber, description: 'Time factor per retry, e.g. x2.' },
      },
    },
  },
} as const;

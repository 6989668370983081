/**
 * The batch script of one node: its request as #SBATCH lines (so `sbatch job.sh` by hand
 * submits the same job), the profile's setup lines, then the executor's worker entry on the job
 * file, against the shared cache: `node worker-entry.js JOB.json --cache-dir DIR`, what a local
 * worker subprocess runs. The job file is the node exactly as the coordinator planned it (key,
 * params, input manifests), so a pipeline edited while jobs wait in the queue cannot change
 * what they run, and nodes whose inputs are not cached (`cache: false` upstream, `--force`) run
 * as they do locally. The coordinator holds the key's lock meanwhile, on the login machine,
 * where a crashed holder can be told from a live one.
 */
import type { Job } from '../job.js';

export interface ScriptSpec {
  job: Job;
  /** The pipeline file, for the comment that says how to run the node by hand. */
  pipelineFile: string;
  jobName: string;
  /** Slurm's output file, with `%j` for the job id. */
  output: string;
  /** Request and profile options (request.ts). */
  options: readonly string[];
  /** Shell words that start Node.js on a compute node. */
  node: string;
  /** The worker entry script (absolute, on the shared filesystem). */
  entry: string;
  jobFile: string;
  cacheDir: string;
  setup?: string;
  attempt: number;
  attempts: number;
}

/** Single-quoted for the shell. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** An #SBATCH value: sbatch reads double quotes there, so values with spaces are quoted. */
function directiveValue(option: string): string {
  if (/["\n]/.test(option)) throw new Error(`sbatch option ${JSON.stringify(option)}: double quotes and newlines cannot go in an #SBATCH line`);
  const eq = option.indexOf('=');
  if (eq < 0 || !/\s/.test(option)) return option;
  return `${option.slice(0, eq + 1)}"${option.slice(eq + 1)}"`;
}

export function jobScript(s: ScriptSpec): string {
  const { job } = s;
  const directives = [`--job-name=${s.jobName}`, `--output=${s.output}`, `--chdir=${job.pipelineDir}`, ...s.options].map((o) => `#SBATCH ${directiveValue(o)}`);
  // The output path with Slurm's `%j` as the shell's $SLURM_JOB_ID, each literal part quoted.
  const logPath = s.output
    .split('%j')
    .map((part) => (part === '' ? '' : shellQuote(part)))
    .join('"${SLURM_JOB_ID}"');
  const lines = [
    '#!/bin/bash',
    ...directives,
    `# layerfuse: node ${job.nodeId} (${job.type}), key ${job.key}, attempt ${s.attempt + 1} of ${s.attempts}`,
    `# pipeline ${s.pipelineFile}; \`sbatch\` this script to run the node again, or by hand (with the run's --set values):`,
    `#   layerfuse run-node ${shellQuote(s.pipelineFile)} ${job.nodeId} --cache-dir ${shellQuote(s.cacheDir)}`,
    'echo "# layerfuse: Slurm job ${SLURM_JOB_ID} on $(hostname), CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES-unset}"',
    // The job records these in the node's run record (job.recordEnv).
    `export LAYERFUSE_SLURM_LOG=${logPath}`,
  ];
  if (s.setup !== undefined && s.setup.trim() !== '') lines.push('# profile setup', s.setup.trimEnd());
  lines.push(`exec ${s.node} ${shellQuote(s.entry)} ${shellQuote(s.jobFile)} --cache-dir ${shellQuote(s.cacheDir)}`, '');
  return lines.join('\n');
}

/**
 * A planned node, complete enough to run anywhere that sees the cache: in process, in a worker
 * subprocess (sent over IPC to a serving worker-entry.js), and as a Slurm job (worker-entry.js
 * job.json on a compute node).
 */
import type { ComputeSettings } from '../artifacts/index.js';
import type { KeyComponents } from './key.js';
import type { InputArtifacts } from './components.js';
import { defaultCompute } from './node-context.js';

export interface Job {
  format: 1;
  nodeId: string;
  type: string;
  params: Record<string, unknown>;
  inputs: InputArtifacts;
  key: string;
  components: KeyComponents;
  backend: string;
  /** Absent in job files written before it existed: the defaults. */
  compute?: ComputeSettings;
  pipelineDir: string;
  /** Where the live log goes (the finished log is also stored as a blob in the record). */
  logFile: string;
  /**
   * Facts to record from the environment the job runs in, fact name -> variable name (a Slurm
   * job records its SLURM_JOB_ID this way); absent variables are left out.
   */
  recordEnv?: Record<string, string>;
}

export function parseJob(text: string, file: string): Job {
  let job: Job;
  try {
    job = JSON.parse(text) as Job;
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`, { cause: e });
  }
  const missing = (['nodeId', 'type', 'params', 'inputs', 'key', 'components', 'pipelineDir', 'logFile'] as const).filter(
    (k) => job[k] === undefined,
  );
  if (job.format !== 1 || missing.length > 0) {
    throw new Error(`${file}: not a layerfuse job (format ${String(job.format)}; missing ${missing.join(', ') || 'nothing'})`);
  }
  job.backend ??= 'auto';
  job.compute ??= defaultCompute();
  return job;
}

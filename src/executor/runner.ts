/**
 * The seam between the executor and where a node's work happens. The executor plans, keys,
 * looks up the cache, takes a concurrency slot and the key's lock; a runner then makes the
 * index record for that key: the local runner in process or in a worker subprocess (with GPUs
 * from the local pool), the Slurm runner as a batch job. Either way the node runs through
 * runJob against the same cache, so a key means the same result wherever it ran.
 */
import type { ResolvedNode } from '../dsl/types.js';
import type { Progress } from '../artifacts/index.js';
import type { IndexRecord } from './cache.js';
import type { Job } from './job.js';

export interface RunRequest {
  job: Job;
  node: ResolvedNode;
  /** 0 on the first attempt; each retry counts up (a runner may grow its request with it). */
  attempt: number;
  /** 1 + the node's retries. */
  attempts: number;
  /** Aborted: stop the node now (Ctrl-C, the `kill` policy). */
  signal: AbortSignal;
  /**
   * Aborted: the run starts nothing new (a failure under `no-new`). Work that has not begun (a
   * job still queued) is withdrawn with RunnerCancelled; work under way finishes.
   */
  stopNew: AbortSignal;
  /** Whether the executor would run this node in a worker subprocess (local runner only). */
  worker: boolean;
  /**
   * The work has begun (the node is `running` from then on): at once locally; once the job is
   * submitted on Slurm, with `detail` saying which (`Slurm job 42`).
   */
  onRunning?: (info: { worker?: boolean; detail?: string }) => void;
  onProgress?: (p: Progress) => void;
  onLog?: (line: string) => void;
  /** A process on this machine that works for the node (a worker, a shell command) started. */
  onSpawn?: (pid: number) => void;
  /** Something worth telling that does not fail the node (a resubmission, a lost squeue). */
  onWarning?: (message: string) => void;
}

export interface NodeRunner {
  /** `local` or `slurm`, for messages. */
  readonly name: string;
  /** Retries of a node that sets none. */
  readonly defaultRetries: number;
  /**
   * Whether a finished node's output files are already where they belong on this machine (it
   * ran here); otherwise the executor restores them from the cache, as on a hit.
   */
  readonly outputsInPlace: boolean;
  /**
   * Nodes run on this machine and share its cores, so `--wasm-threads auto` sizes their WASM
   * threads from them (the local runner; a Slurm job runs on a node of its own).
   */
  readonly sharesCores: boolean;
  /** Problems that make the run impossible, one per node, found before anything starts. */
  preflight(nodes: readonly ResolvedNode[]): string[];
  /** Makes the index record of `req.job.key` (the caller holds the key's lock), or throws. */
  run(req: RunRequest): Promise<IndexRecord>;
  /** The run is over, normally or not: stop following work, cancel what is left. */
  close(): Promise<void>;
}

/** A node's failure with the log a person should read (a Slurm job's output file, say). */
export class RunnerError extends Error {
  constructor(
    message: string,
    readonly logFile?: string,
    /** Another try may do better (a Slurm job that died), unlike a plan problem. */
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'RunnerError';
  }
}

/** Work withdrawn before it began, because the run stopped starting new work. */
export class RunnerCancelled extends Error {
  constructor(
    message: string,
    readonly logFile?: string,
  ) {
    super(message);
    this.name = 'RunnerCancelled';
  }
}

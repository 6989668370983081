/**
 * The messages between a worker subprocess and its parent over IPC (worker-entry.ts <->
 * worker-client.ts). The worker writes the index record itself; the result message only says
 * which key it wrote.
 *
 * A local worker serves jobs one at a time until it is told to shut down (or is stopped):
 * it says `ready` once it listens, the parent sends `job`, the worker answers with progress,
 * log and spawned messages and then exactly one `result` or `error`. Before that answer it
 * writes JOB_END_MARK to its stdout and to its stderr, so that the parent, which copies both
 * streams into the running job's log, knows when all of a job's output has arrived (the
 * streams and the IPC channel are separate pipes: their order is not kept between them).
 */
import type { Progress } from '../artifacts/types.js';
import type { Job } from './job.js';

/** Starts the line a worker without an IPC channel prints its error on (a Slurm job's output file). */
export const WORKER_ERROR_PREFIX = 'layerfuse worker: ';

/**
 * Written on its own line to stdout and stderr after each job (NUL bytes: no node's output
 * contains them), followed by the job's ordinal in this worker.
 */
export const JOB_END_MARK = '\u0000layerfuse-job-end\u0000';

export type WorkerMessage =
  /** Listening for jobs (a serving worker's first message). */
  | { kind: 'ready' }
  | { kind: 'progress'; progress: Progress }
  | { kind: 'log'; line: string }
  /** The node started a process (NodeContext.spawned): the parent adds it to the key's lock holders. */
  | { kind: 'spawned'; pid: number }
  | { kind: 'warning'; message: string }
  /** `rss`: the worker's resident memory after the job, in bytes (the parent retires a worker past its limit). */
  | { kind: 'result'; key: string; rss?: number }
  | { kind: 'error'; message: string; name: string };

export type ParentMessage =
  /**
   * Run this job. `retain`: the parent may send further jobs to this worker, so what the node
   * keeps by content digest (a loaded model, an inference engine, encoded splits) may outlive
   * the job; without it the node frees all of it when done, as in a one-job process.
   */
  | { kind: 'job'; job: Job; retain: boolean }
  /** No more jobs: free what is held (a GPU device) and exit. Sent only to an idle worker. */
  | { kind: 'shutdown' };

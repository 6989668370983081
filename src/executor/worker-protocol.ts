/**
 * The messages a worker subprocess sends its parent over IPC (worker-entry.ts -> worker-client.ts).
 * The worker writes the index record itself; the result message only says which key it wrote.
 */
import type { Progress } from '../artifacts/types.js';

/** Starts the line a worker without an IPC channel prints its error on (a Slurm job's output file). */
export const WORKER_ERROR_PREFIX = 'layerfuse worker: ';

export type WorkerMessage =
  | { kind: 'progress'; progress: Progress }
  | { kind: 'log'; line: string }
  /** The node started a process (NodeContext.spawned): the parent adds it to the key's lock holders. */
  | { kind: 'spawned'; pid: number }
  | { kind: 'warning'; message: string }
  | { kind: 'result'; key: string }
  | { kind: 'error'; message: string; name: string };

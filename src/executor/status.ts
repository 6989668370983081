/**
 * Node statuses and the events the executor reports (house style after wireit `event.ts` and
 * lage `TargetStatus.ts`): one event per status transition, sent to a logger; the executor never
 * prints.
 */
import type { Progress } from '../artifacts/index.js';

/**
 * pending   waiting for its upstream nodes
 * ready     upstream done; computing its key, looking it up, waiting for a slot
 * running   executing (in process or in a worker)
 * cached    a cache hit was applied; nothing ran
 * succeeded ran and its outputs were stored
 * failed    its run (or its key: a missing input file) failed
 * skipped   not run because an upstream node failed, was skipped or was cancelled
 * cancelled not started (or stopped) because the run stopped: a failure under `no-new`, or Ctrl-C
 */
export type NodeStatus = 'pending' | 'ready' | 'running' | 'cached' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export const FINAL_STATUSES: ReadonlySet<NodeStatus> = new Set(['cached', 'succeeded', 'failed', 'skipped', 'cancelled']);

/** What to do with the rest of the run when a node fails. */
export type FailurePolicy =
  /** Start no new node; let running ones finish (the default). */
  | 'no-new'
  /** Keep going: run everything not downstream of a failure (`--keep-going`). */
  | 'continue'
  /** Stop running nodes too (their workers are killed). */
  | 'kill';

export type ExecutorEvent =
  | { kind: 'start'; pipeline: string; nodes: string[] }
  | {
      kind: 'status';
      node: string;
      status: NodeStatus;
      previous: NodeStatus;
      /** failed: the error; skipped/cancelled: why. */
      message?: string;
      /** failed/succeeded: the node's log file. */
      logFile?: string;
      /** cached/succeeded/failed: seconds it ran (cached: 0). */
      durationMs?: number;
      /** running: whether in a worker subprocess, and its pid once known. */
      worker?: boolean;
      /** running: where it runs when not on this machine, e.g. `Slurm job 42`. */
      detail?: string;
    }
  | { kind: 'progress'; node: string; progress: Progress }
  | { kind: 'log'; node: string; line: string }
  /** Something a person should know that did not fail the node (e.g. a corrupt object was replaced by rerunning). */
  | { kind: 'warning'; node: string; message: string }
  | { kind: 'finish'; ok: boolean; interrupted: boolean };

export interface Logger {
  onEvent(event: ExecutorEvent): void;
}

export const silentLogger: Logger = { onEvent: () => undefined };

/**
 * Slurm job states as squeue, scontrol and sacct print them, which of them are final, and how a
 * final one reads in a node's failure message.
 */

export type JobState =
  | 'PENDING'
  | 'CONFIGURING'
  | 'RUNNING'
  | 'COMPLETING'
  | 'SUSPENDED'
  | 'REQUEUED'
  | 'REQUEUE_HOLD'
  | 'REQUEUE_FED'
  | 'RESIZING'
  | 'SIGNALING'
  | 'STAGE_OUT'
  | 'STOPPED'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED'
  | 'TIMEOUT'
  | 'OUT_OF_MEMORY'
  | 'NODE_FAIL'
  | 'PREEMPTED'
  | 'BOOT_FAIL'
  | 'DEADLINE'
  | 'REVOKED'
  | 'SPECIAL_EXIT'
  /** Nobody knows the job any more (slurmctld forgot it and there is no accounting). */
  | 'UNKNOWN';

/**
 * States a job does not leave on its own. PREEMPTED is final only when the job is not requeued
 * (a requeued one goes back to PENDING, which the next poll sees).
 */
export const JOB_STATES_DONE: ReadonlySet<string> = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'REVOKED',
  'SPECIAL_EXIT',
]);

export interface FinalState {
  state: JobState;
  /** The batch script's exit status. */
  exitCode?: number;
  /** The signal that ended it, 0 for none. */
  signal?: number;
  reason?: string;
  /** Its output file, as slurmctld knows it. */
  stdout?: string;
  source: 'scontrol' | 'sacct' | 'none';
}

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 15: 'SIGTERM' };

/** `failed with exit code 3`, `was killed by signal 9 (SIGKILL)`, `hit its time limit`... */
export function describeFinalState(s: FinalState): string {
  const sig = s.signal ? `signal ${s.signal}${SIGNALS[s.signal] ? ` (${SIGNALS[s.signal]})` : ''}` : undefined;
  switch (s.state) {
    case 'COMPLETED':
      return 'completed';
    case 'FAILED':
      if (sig) return `was killed by ${sig}`;
      return `failed with exit code ${s.exitCode ?? '?'}`;
    case 'CANCELLED':
      return 'was cancelled (scancel, or an administrator)';
    case 'TIMEOUT':
      return 'hit its time limit (raise `time:` in the node\'s resources, or set `retry: {time: x2}`)';
    case 'OUT_OF_MEMORY':
      return 'ran out of memory (raise `mem:` in the node\'s resources, or set `retry: {mem: x2}`)';
    case 'NODE_FAIL':
      return 'was lost with its compute node (NODE_FAIL)';
    case 'PREEMPTED':
      return 'was preempted';
    case 'BOOT_FAIL':
      return 'could not start: its node failed to boot (BOOT_FAIL)';
    case 'DEADLINE':
      return 'missed its deadline';
    case 'UNKNOWN':
      return 'ended, but Slurm no longer knows how (no accounting storage, and slurmctld has forgotten it)';
    default:
      return `ended in state ${s.state}${s.reason ? ` (${s.reason})` : ''}`;
  }
}

/**
 * The worker's lifeline to its coordinator, armed the moment the worker process starts (this
 * module is the worker entry's first import, so it runs before the node registry loads): a
 * coordinator killed outright (SIGKILL, the OOM killer) cannot stop its worker, and an orphan
 * would go on training beside the rerun.
 *
 * A watchdog shell in the worker's own process group polls the coordinator (pid given on the
 * command line, never `ppid`, which is already init's when the coordinator died during our
 * start-up) and this worker every second; once the coordinator is gone it stops the whole group
 * (TERM, then KILL after a grace), even while the worker's thread is busy in a long synchronous
 * kernel; once the worker is gone it just ends. It ignores TERM itself, so its own group signal
 * does not cut the grace short. The IPC channel closing (see worker-entry.ts) stops the node
 * sooner when the event loop is free.
 */
import { spawn } from 'node:child_process';
import { SH_ALIVE_FN } from '../process-group.js';

/** Grace between SIGTERM and SIGKILL when the coordinator is gone. */
export const ORPHAN_GRACE_S = 3;

function ownerFromArgv(argv: readonly string[]): number | undefined {
  const i = argv.indexOf('--owner');
  const pid = i >= 0 ? Number(argv[i + 1]) : Number.NaN;
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

function arm(owner: number): void {
  const script =
    `trap '' TERM; ${SH_ALIVE_FN}; while lf_alive ${owner} && lf_alive ${process.pid}; do sleep 1; done; ` +
    `lf_alive ${process.pid} || exit 0; kill -TERM 0; sleep ${ORPHAN_GRACE_S}; kill -KILL 0`;
  try {
    const dog = spawn('/bin/sh', ['-c', script], { stdio: 'ignore' });
    dog.on('error', () => undefined);
    dog.unref();
    process.once('exit', () => {
      try {
        dog.kill('SIGKILL');
      } catch {
        /* gone */
      }
    });
  } catch {
    /* no shell here: the IPC disconnect still stops a worker whose event loop is free */
  }
}

const owner = ownerFromArgv(process.argv.slice(2));
if (owner !== undefined) arm(owner);

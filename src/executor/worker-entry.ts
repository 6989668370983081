/**
 * The worker subprocess: `node worker-entry.js JOB.json --cache-dir DIR --owner PID`, started by
 * worker-client.ts for nodes that run outside the executor's process (tensor work, GPU slots).
 * The parent holds the key's lock; this process runs the job against the cache (runJob, the
 * same path as in process), writes the index record, and reports progress and the outcome over
 * IPC. SIGTERM or SIGINT stop the node cleanly (its run sees an aborted signal).
 *
 * A worker dies with its coordinator (worker-watchdog.ts, imported first so that it is armed
 * before anything else loads; and the IPC channel closing stops the node).
 *
 * Without an IPC channel and --owner (a Slurm batch job runs this same entry on a compute node)
 * there is no coordinator to die with, and the outcome goes to stdout/stderr instead, which
 * Slurm keeps in the job's output file.
 */
import { ORPHAN_GRACE_S } from './worker-watchdog.js';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { getNodeType, releaseNodeResources } from '../nodes/registry.js';
import { errorMessage } from './errors.js';
import { FsCache } from './fs-cache.js';
import { parseJob } from './job.js';
import { runJob } from './run-job.js';
import { WORKER_ERROR_PREFIX, type WorkerMessage } from './worker-protocol.js';

/** Resolves once the message is handed to the channel, so disconnecting cannot drop it. */
function send(m: WorkerMessage): Promise<void> {
  return new Promise((done) => {
    if (!process.send || !process.connected) return done();
    process.send(m, undefined, {}, () => done());
  });
}

async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  let finishing = false;
  const orphaned = (): void => {
    if (finishing) return;
    // The coordinator is gone: stop the node, and exit even if it does not stop in time.
    stop();
    setTimeout(() => process.exit(130), ORPHAN_GRACE_S * 1000).unref();
  };
  if (process.send) {
    process.once('disconnect', orphaned);
    // Gone already, before this handler existed (killed during our start-up).
    if (!process.connected) orphaned();
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { 'cache-dir': { type: 'string' }, owner: { type: 'string' } }, allowPositionals: true });
    const file = positionals[0];
    const cacheDir = values['cache-dir'];
    if (positionals.length !== 1 || file === undefined || cacheDir === undefined) throw new Error('usage: worker-entry.js JOB.json --cache-dir DIR [--owner PID]');
    const job = parseJob(await readFile(file, 'utf8'), file);
    const record = await runJob(job, {
      cache: new FsCache(cacheDir),
      lookup: getNodeType,
      signal: controller.signal,
      worker: true,
      onProgress: (progress) => void send({ kind: 'progress', progress }),
      onSpawned: (pid) => void send({ kind: 'spawned', pid }),
      onWarning: (message) => void send({ kind: 'warning', message }),
    });
    await send({ kind: 'result', key: record.key });
    if (!process.send) process.stdout.write(`# layerfuse: node ${job.nodeId} done, key ${record.key}\n`);
    return 0;
  } catch (e) {
    await send({ kind: 'error', message: errorMessage(e), name: (e as Error).name });
    if (!process.send) process.stderr.write(`${WORKER_ERROR_PREFIX}${errorMessage(e)}\n`);
    return controller.signal.aborted ? 130 : 1;
  } finally {
    finishing = true;
    process.removeListener('SIGTERM', stop);
    process.removeListener('SIGINT', stop);
    // A live GPU device (WebGPU) would keep this process alive too.
    for (const problem of await releaseNodeResources()) process.stderr.write(`layerfuse worker: releasing the tensor backend: ${problem}\n`);
    // An open IPC channel would keep this process alive after main returns.
    if (process.connected) process.disconnect();
  }
}

process.exitCode = await main(process.argv.slice(2));

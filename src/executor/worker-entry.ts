/**
 * The worker subprocess, in two modes:
 *   node worker-entry.js --serve --cache-dir DIR --owner PID
 *     a local worker (worker-client.ts starts it): runs the jobs its parent sends over IPC, one
 *     at a time, until told to shut down (worker-protocol.ts). Between jobs the process, its
 *     loaded modules and tensor backend, and what nodes keep by content digest (a loaded model,
 *     ONNX Runtime sessions, tokenized splits) stay warm for the next job.
 *   node worker-entry.js JOB.json --cache-dir DIR [--owner PID]
 *     one job from a file, then exit (a Slurm batch job runs this on a compute node).
 * The parent holds each job's key lock; this process runs the job against the cache (runJob, the
 * same path as in process), writes the index record, and reports progress and the outcome.
 * SIGTERM or SIGINT stop the running job (its run sees an aborted signal) and end the process.
 *
 * A worker dies with its coordinator (worker-watchdog.ts, imported first so that it is armed
 * before anything else loads; and the IPC channel closing stops the job, or ends an idle worker
 * at once).
 *
 * Without an IPC channel and --owner (a Slurm job) there is no coordinator to die with, and the
 * outcome goes to stdout/stderr instead, which Slurm keeps in the job's output file.
 */
import { ORPHAN_GRACE_S } from './worker-watchdog.js';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { getNodeType, releaseNodeResources, retainNodeResources } from '../nodes/registry.js';
import { errorMessage } from './errors.js';
import { FsCache } from './fs-cache.js';
import { parseJob, type Job } from './job.js';
import { runJob, type RunJobOptions } from './run-job.js';
import { JOB_END_MARK, WORKER_ERROR_PREFIX, type ParentMessage, type WorkerMessage } from './worker-protocol.js';

/** How long a served worker that is done may take to exit by itself before it exits anyway. */
const EXIT_GRACE_MS = 1000;

/** Resolves once the message is handed to the channel, so disconnecting cannot drop it. */
function send(m: WorkerMessage): Promise<void> {
  return new Promise((done) => {
    if (!process.send || !process.connected) return done();
    process.send(m, undefined, {}, () => done());
  });
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((done) => void stream.write(text, () => done()));
}

/** What every job of this process reports to the parent the same way. */
function reporting(): Pick<RunJobOptions, 'onProgress' | 'onSpawned' | 'onWarning'> {
  return {
    onProgress: (progress) => void send({ kind: 'progress', progress }),
    onSpawned: (pid) => void send({ kind: 'spawned', pid }),
    onWarning: (message) => void send({ kind: 'warning', message }),
  };
}

/** Free what would keep the process from exiting (a live WebGPU device), then close the channel. */
async function leave(): Promise<void> {
  for (const problem of await releaseNodeResources()) process.stderr.write(`layerfuse worker: releasing the tensor backend: ${problem}\n`);
  // An open IPC channel would keep this process alive after main returns.
  if (process.connected) process.disconnect();
}

/** One job from a file (a Slurm job; without IPC the outcome goes to stdout/stderr). */
async function runFile(file: string, cacheDir: string): Promise<number> {
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  let finishing = false;
  if (process.send) {
    const orphaned = (): void => {
      if (finishing) return;
      stop();
      setTimeout(() => process.exit(130), ORPHAN_GRACE_S * 1000).unref();
    };
    process.once('disconnect', orphaned);
    if (!process.connected) orphaned();
  }
  try {
    const job = parseJob(await readFile(file, 'utf8'), file);
    const record = await runJob(job, { cache: new FsCache(cacheDir), lookup: getNodeType, signal: controller.signal, worker: true, ...reporting() });
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
    await leave();
  }
}

/** Jobs from the parent over IPC until it says shutdown, stops us, or goes away. */
function serve(cacheDir: string): Promise<number> {
  const cache = new FsCache(cacheDir);
  let running: AbortController | undefined;
  let served = 0;
  let stopping = false;
  let end!: (code: number) => void;
  const ended = new Promise<number>((resolve) => (end = resolve));

  const stop = (): void => {
    stopping = true;
    if (running) running.abort(new Error('interrupted'));
    else end(130);
  };
  const orphaned = (): void => {
    stop();
    // A job busy in a long synchronous kernel may not see the abort in time.
    setTimeout(() => process.exit(130), ORPHAN_GRACE_S * 1000).unref();
  };

  const runOne = async (job: Job, retain: boolean): Promise<void> => {
    const controller = new AbortController();
    running = controller;
    served++;
    let reply: WorkerMessage;
    try {
      await retainNodeResources(retain);
      const record = await runJob(job, { cache, lookup: getNodeType, signal: controller.signal, worker: true, workerJob: served, ...reporting() });
      reply = { kind: 'result', key: record.key, rss: process.memoryUsage().rss };
    } catch (e) {
      reply = { kind: 'error', message: errorMessage(e), name: (e as Error).name };
    }
    running = undefined;
    // Everything the job printed is in the pipes before these marks (worker-protocol.ts).
    await Promise.all([write(process.stdout, `${JOB_END_MARK}${served}\n`), write(process.stderr, `${JOB_END_MARK}${served}\n`)]);
    await send(reply);
    if (stopping) end(controller.signal.aborted ? 130 : 0);
  };

  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.once('disconnect', orphaned);
  process.on('message', (raw) => {
    const m = raw as ParentMessage;
    if (m.kind === 'shutdown') {
      stopping = true;
      if (!running) end(0);
    } else if (m.kind === 'job') {
      if (running || stopping) {
        process.stderr.write(`${WORKER_ERROR_PREFIX}a job (${m.job.nodeId}) arrived while ${running ? 'another ran' : 'shutting down'}\n`);
        process.exit(1);
      }
      void runOne(m.job, m.retain);
    }
  });
  if (!process.connected) orphaned();
  else void send({ kind: 'ready' });
  return ended;
}

async function main(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { 'cache-dir': { type: 'string' }, owner: { type: 'string' }, serve: { type: 'boolean', default: false } },
      allowPositionals: true,
    });
    const cacheDir = values['cache-dir'];
    if (values.serve && positionals.length === 0 && cacheDir !== undefined && process.send) {
      const code = await serve(cacheDir);
      await leave();
      // Something a node started may hold the event loop open past its job (a thread pool
      // of a native library): a served worker has nothing left to do, so it goes anyway.
      setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
      return code;
    }
    const file = positionals[0];
    if (values.serve || positionals.length !== 1 || file === undefined || cacheDir === undefined) {
      throw new Error('usage: worker-entry.js JOB.json --cache-dir DIR [--owner PID], or worker-entry.js --serve --cache-dir DIR --owner PID (with an IPC channel)');
    }
    return await runFile(file, cacheDir);
  } catch (e) {
    process.stderr.write(`${WORKER_ERROR_PREFIX}${errorMessage(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

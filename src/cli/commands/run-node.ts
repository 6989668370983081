/**
 * `layerfuse run-node`: run one node against the cache, in two forms.
 *
 *   run-node PIPELINE NODE [--set k=v]... [--force]   by hand, or as a cluster (Slurm) job: plans
 *       NODE from the cache, which must already hold every node it depends on (their outputs
 *       are restored first), runs it under its key's lock (skipped when cached), publishes its
 *       results and records it in the lock file, as `run --only NODE` would.
 *   run-node JOB.json [--locked] [--force]            what the executor starts for worker nodes
 *       (with --locked: the parent holds the key's lock and reads the result over IPC).
 */
import { readFile } from 'node:fs/promises';
import { errorMessage, PlanError } from '../../executor/errors.js';
import { parseJob } from '../../executor/job.js';
import { planPipeline } from '../../executor/planner.js';
import { runJob } from '../../executor/run-job.js';
import type { WorkerMessage } from '../../executor/worker-client.js';
import { getNodeType } from '../../nodes/registry.js';
import { releaseNodeResources } from '../../nodes/release.js';
import { openCache } from '../cache-dir.js';
import { CACHE_DIR_OPTION, parseCommand, runCommand, SET_OPTION, UsageError } from '../command.js';
import { writeErr, writeOut } from '../output.js';
import { loadGraph, requireNode } from '../pipeline-load.js';
import { progressLogger } from '../progress.js';
import { BACKENDS, runWithSignals } from './run.js';

const USAGE = `usage: layerfuse run-node PIPELINE NODE [--set key=value]... [--cache-dir DIR] [--force] [--backend B]
       layerfuse run-node JOB.json [--cache-dir DIR] [--locked] [--force]

Run one node. With PIPELINE NODE (by hand, or as a Slurm job): every node it depends on must
already be cached (run them first, e.g. \`layerfuse run PIPELINE --only DEP\`); their outputs are
restored, then NODE runs unless it is cached (--force: run it anyway).
With JOB.json: the executor's worker entry point.

Exit: 0 done or cached, 1 the node failed, 2 usage, invalid pipeline or dependencies not cached.
`;

/** Resolves once the message is handed to the channel, so disconnecting cannot drop it. */
function send(m: WorkerMessage): Promise<void> {
  return new Promise((done) => {
    if (!process.send || !process.connected) return done();
    process.send(m, undefined, {}, () => done());
  });
}

export function run(argv: string[]): Promise<number> {
  return runCommand('run-node', USAGE, async () => {
    const { values, positionals } = parseCommand(
      argv,
      { ...SET_OPTION, ...CACHE_DIR_OPTION, locked: { type: 'boolean', default: false }, force: { type: 'boolean', default: false }, backend: { type: 'string', default: 'auto' } },
      { min: 1, max: 2, what: 'PIPELINE NODE, or JOB.json' },
    );
    if (positionals.length === 2) return runPipelineNode(positionals[0]!, positionals[1]!, values);
    return runJobFile(positionals[0]!, values);
  });
}

interface Flags {
  set?: string[];
  'cache-dir': string;
  locked: boolean;
  force: boolean;
  backend: string;
}

async function runPipelineNode(file: string, nodeId: string, o: Flags): Promise<number> {
  if (o.locked) throw new UsageError('--locked is only for JOB.json (the executor\'s workers)');
  if (!(BACKENDS as readonly string[]).includes(o.backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got '${o.backend}'`);
  const graph = await loadGraph(file, o.set ?? []);
  requireNode(graph, file, nodeId);
  const cache = await openCache(o['cache-dir'], 'write');
  const waiting = (await planPipeline(graph, { cache, only: [nodeId] })).filter((e) => e.id !== nodeId && e.action !== 'cached');
  if (waiting.length > 0) {
    const why = waiting.map((e) => `  ${e.id}: ${e.reasons.join('; ')}`).join('\n');
    throw new PlanError(
      `${nodeId} depends on ${waiting.length === 1 ? 'a node' : 'nodes'} not in the cache, and run-node runs one node:\n${why}\n` +
        `run ${waiting.length === 1 ? 'it' : 'them'} first: layerfuse run ${file} ${waiting.map((e) => `--only ${e.id}`).join(' ')}`,
    );
  }
  return runWithSignals(graph, { cache, jobs: 1, only: [nodeId], force: o.force ? [nodeId] : [], policy: 'no-new', backend: o.backend, logger: progressLogger() });
}

async function runJobFile(file: string, o: Flags): Promise<number> {
  let job;
  try {
    job = parseJob(await readFile(file, 'utf8'), file);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const cache = await openCache(o['cache-dir'], 'write');
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const lock = o.locked ? undefined : await cache.lock(job.key, controller.signal);
  try {
    if (!o.locked && !o.force && (await cache.get(job.key))) {
      writeOut(`${job.nodeId}: cached (${job.key})\n`);
      await send({ kind: 'result', key: job.key });
      return 0;
    }
    const record = await runJob(job, {
      cache,
      lookup: getNodeType,
      signal: controller.signal,
      worker: true,
      onProgress: (progress) => void send({ kind: 'progress', progress }),
    });
    await send({ kind: 'result', key: record.key });
    if (!process.send) {
      const outputs = Object.fromEntries(Object.entries(record.outputs).map(([port, out]) => [port, out.digest]));
      writeOut(JSON.stringify({ node: job.nodeId, key: record.key, outputs }, null, 2) + '\n');
    }
    return 0;
  } catch (e) {
    const message = errorMessage(e);
    await send({ kind: 'error', message, name: (e as Error).name });
    if (!process.send) writeErr(`layerfuse run-node: ${message}\n`);
    return controller.signal.aborted ? 130 : 1;
  } finally {
    await lock?.release();
    process.removeListener('SIGTERM', stop);
    process.removeListener('SIGINT', stop);
    // A live GPU device (WebGPU) would keep this process alive too.
    for (const problem of await releaseNodeResources()) writeErr(`layerfuse run-node: releasing the tensor backend: ${problem}\n`);
    // An open IPC channel would keep this process alive after main returns.
    if (process.connected) process.disconnect();
  }
}

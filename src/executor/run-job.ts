/**
 * Running one planned node against a cache: context, the node type's run, output checks, the
 * index record. The in-process path and `layerfuse run-node` (worker subprocesses, later Slurm)
 * both come here, so a node behaves the same wherever it runs.
 */
import { hostname } from 'node:os';
import { rm, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Progress } from '../artifacts/index.js';
import type { Cache, IndexRecord, OutputRecord } from './cache.js';
import { artifactDigest } from '../artifacts/artifact.js';
import { canonicalJson } from '../artifacts/canonical-json.js';
import type { NodeTypeLookup } from './components.js';
import type { Job } from './job.js';
import { ExecContext } from './node-context.js';

/** Keep the last few run facts per entry; forced reruns would otherwise grow it forever. */
const MAX_RUNS = 10;

export interface RunJobOptions {
  cache: Cache;
  lookup: NodeTypeLookup;
  signal: AbortSignal;
  worker: boolean;
  /** In a worker serving several jobs: this job's ordinal there (1: the process's first). */
  workerJob?: number;
  onProgress?: (p: Progress) => void;
  onLog?: (line: string) => void;
  onSpawned?: (pid: number) => void;
  onWarning?: (message: string) => void;
}

function envFacts(names: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [fact, variable] of Object.entries(names ?? {})) {
    const v = process.env[variable];
    if (v !== undefined) out[fact] = v;
  }
  return out;
}

export async function runJob(job: Job, o: RunJobOptions): Promise<IndexRecord> {
  const type = o.lookup(job.type);
  if (!type) throw new Error(`node ${job.nodeId}: unknown node type '${job.type}'`);
  await mkdir(dirname(job.logFile), { recursive: true });
  await writeFile(job.logFile, `# layerfuse: node ${job.nodeId} (${job.type}) key ${job.key}\n`);
  const tmpDir = await o.cache.makeTmpDir();
  const ctx = new ExecContext({
    nodeId: job.nodeId,
    pipelineDir: job.pipelineDir,
    // The key's own copy: what the node shows is exactly what its key covers.
    ...(job.components.pipeline ? { pipeline: job.components.pipeline } : {}),
    tmpDir,
    backend: job.backend,
    ...(job.compute ? { compute: job.compute } : {}),
    signal: o.signal,
    cache: o.cache,
    logFile: job.logFile,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.onLog ? { onLog: o.onLog } : {}),
    ...(o.onSpawned ? { onSpawned: o.onSpawned } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
  const startedAt = new Date();
  try {
    const raw = await type.run(ctx, job.params as never, job.inputs);
    o.signal.throwIfAborted();
    const outputs: Record<string, OutputRecord> = {};
    for (const [port, decl] of Object.entries(type.outputs)) {
      if (!(port in raw) || raw[port] === undefined) {
        throw new Error(`node ${job.nodeId}: ${job.type} returned no output '${port}'`);
      }
      // Round-trip through canonical JSON: what is stored is exactly what the digest covers.
      const manifest: unknown = JSON.parse(canonicalJson(raw[port]));
      outputs[port] = { type: decl.type, digest: artifactDigest(decl.type, manifest), manifest };
    }
    const extra = Object.keys(raw).filter((p) => !(p in type.outputs));
    if (extra.length > 0) throw new Error(`node ${job.nodeId}: ${job.type} returned undeclared output ${extra.join(', ')}`);
    const durationMs = Date.now() - startedAt.getTime();
    ctx.log(`# finished in ${(durationMs / 1000).toFixed(2)} s`);
    const previous = (await o.cache.get(job.key))?.record.runs ?? [];
    const record: IndexRecord = {
      format: 1,
      key: job.key,
      node: job.nodeId,
      components: job.components,
      outputs,
      log: await o.cache.putFile(job.logFile),
      runs: [
        ...previous,
        {
          node: job.nodeId,
          startedAt: startedAt.toISOString(),
          durationMs,
          pid: process.pid,
          host: hostname(),
          worker: o.worker,
          ...(o.workerJob !== undefined ? { workerJob: o.workerJob } : {}),
          facts: { backend: job.backend, ...envFacts(job.recordEnv), ...ctx.facts, ...(ctx.warnings.length > 0 ? { warnings: [...ctx.warnings] } : {}) },
        },
      ].slice(-MAX_RUNS),
    };
    if (!(await o.cache.set(job.key, record))) {
      throw new Error(`node ${job.nodeId}: the cache declined its result (an object it references is missing from ${o.cache.description})`);
    }
    return record;
  } catch (e) {
    const err = e as Error;
    ctx.log(`# failed: ${err.name === 'NodeError' ? err.message : (err.stack ?? String(err))}`);
    throw e;
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

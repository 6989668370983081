/**
 * Worker processes kept between nodes. Starting a worker costs seconds (Node, the node
 * registry, the tensor backend, ONNX Runtime), and what its nodes load (a model, inference
 * sessions, tokenized splits) is often what the next node needs: a sweep of pruning curves
 * over one model pays it once per worker, not once per curve. So a worker that finished a job
 * cleanly waits, idle, for the next worker node whose spawn environment is the same: the
 * environment itself (a GPU slot's CUDA_VISIBLE_DEVICES and LAYERFUSE_WEBGPU_ADAPTER), its
 * working directory, the tensor backend and the compute settings (threads, engine), which a
 * process settles once.
 *
 * A worker is not reused (it is shut down) after a failed or stopped job (its state may be
 * dirty), past `maxJobs` jobs, or once its resident memory after a job exceeds `maxRssBytes`
 * (WASM heaps never shrink, and retained models add up). At most `maxIdle` wait at once (the
 * least recently used goes first); close() shuts down every one left. With `reuse` off every
 * worker runs one job, as a one-job process did.
 */
import { digestOf } from '../artifacts/canonical-json.js';
import type { IndexRecord } from './cache.js';
import type { Job } from './job.js';
import { WorkerProcess, type WorkerJobOptions } from './worker-client.js';

/** Jobs one worker runs before it is replaced (bounds what slow leaks can accumulate). */
export const DEFAULT_WORKER_MAX_JOBS = 100;
/** Resident memory past which a worker is not reused. */
export const DEFAULT_WORKER_MAX_RSS_BYTES = 2 * 2 ** 30;

export interface WorkerPoolOptions {
  cacheDir: string;
  /** Keep workers for further jobs; false: one job per worker process. */
  reuse: boolean;
  /** Idle workers kept at once (the run's -j). */
  maxIdle: number;
  maxJobs?: number;
  maxRssBytes?: number;
}

export type PoolJobOptions = Omit<WorkerJobOptions, 'retain'> & { env: Record<string, string> };

/** Which workers may run a job: the same environment, directory, backend and compute settings. */
export function spawnSignature(env: Record<string, string>, job: Job): string {
  const entries = Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return digestOf({ env: entries, cwd: job.pipelineDir, backend: job.backend, compute: job.compute ?? null });
}

/** Digests of a job's inputs: a worker whose last job shared some likely still holds them loaded. */
function inputDigests(job: Job): Set<string> {
  const out = new Set<string>();
  for (const v of Object.values(job.components.inputs)) for (const d of Array.isArray(v) ? v : [v]) out.add(d);
  return out;
}

function withoutEnv(o: PoolJobOptions): Omit<WorkerJobOptions, 'retain'> {
  const rest: Partial<PoolJobOptions> = { ...o };
  delete rest.env;
  return rest as Omit<WorkerJobOptions, 'retain'>;
}

interface Entry {
  worker: WorkerProcess;
  signature: string;
  /** Input digests of its last job. */
  inputs: Set<string>;
}

export class WorkerPool {
  /** Least recently used first. */
  private idle: Entry[] = [];
  private readonly leaving = new Set<Promise<void>>();
  /** Workers running a job now. */
  private busy = 0;
  private readonly maxJobs: number;
  private readonly maxRss: number;
  private closed = false;

  constructor(private readonly o: WorkerPoolOptions) {
    this.maxJobs = o.reuse ? (o.maxJobs ?? DEFAULT_WORKER_MAX_JOBS) : 1;
    this.maxRss = o.maxRssBytes ?? DEFAULT_WORKER_MAX_RSS_BYTES;
  }

  /** Runs the job in an idle worker of its signature, else in a new one. */
  async run(job: Job, o: PoolJobOptions): Promise<IndexRecord> {
    o.signal.throwIfAborted();
    if (this.closed) throw new Error(`node ${job.nodeId}: the run is over (its workers are shut down)`);
    const signature = spawnSignature(o.env, job);
    const inputs = inputDigests(job);
    let entry = this.take(signature, inputs);
    if (!entry) {
      // A new process: first let the least recently used idle one go, so that busy and idle
      // workers together stay within -j (each may hold a model and inference sessions).
      if (this.idle.length > 0 && this.idle.length + this.busy >= Math.max(1, this.o.maxIdle)) this.retire(this.idle.shift()!.worker);
      entry = { worker: new WorkerProcess({ cacheDir: this.o.cacheDir, env: o.env, cwd: job.pipelineDir }), signature, inputs };
    }
    entry.inputs = inputs;
    const retain = entry.worker.jobs + 1 < this.maxJobs;
    let record: IndexRecord;
    this.busy++;
    try {
      record = await entry.worker.run(job, { ...withoutEnv(o), retain });
    } catch (e) {
      // Failed or stopped: whatever it holds may be inconsistent.
      this.retire(entry.worker);
      throw e;
    } finally {
      this.busy--;
    }
    this.park(entry);
    return record;
  }

  /** The idle worker to use: same signature, most inputs in common with its last job, then the most recently used. */
  private take(signature: string, inputs: Set<string>): Entry | undefined {
    this.idle = this.idle.filter((e) => e.worker.alive);
    let best = -1;
    let bestShared = -1;
    for (let i = 0; i < this.idle.length; i++) {
      const e = this.idle[i]!;
      if (e.signature !== signature) continue;
      let shared = 0;
      for (const d of inputs) if (e.inputs.has(d)) shared++;
      if (shared >= bestShared) {
        best = i;
        bestShared = shared;
      }
    }
    return best < 0 ? undefined : this.idle.splice(best, 1)[0];
  }

  private park(entry: Entry): void {
    const w = entry.worker;
    if (this.closed || !w.alive || w.tainted || w.jobs >= this.maxJobs || w.rss > this.maxRss) {
      this.retire(w);
      return;
    }
    this.idle.push(entry);
    while (this.idle.length > Math.max(0, this.o.maxIdle)) this.retire(this.idle.shift()!.worker);
  }

  private retire(w: WorkerProcess): void {
    const gone = w.shutdown();
    this.leaving.add(gone);
    void gone.finally(() => this.leaving.delete(gone));
  }

  /** Idle workers at the moment (for tests and messages). */
  get idleCount(): number {
    return this.idle.filter((e) => e.worker.alive).length;
  }

  /** Shut down every idle worker and wait until all workers let go are gone. */
  async close(): Promise<void> {
    this.closed = true;
    for (const e of this.idle.splice(0)) this.retire(e.worker);
    await Promise.all([...this.leaving]);
  }
}

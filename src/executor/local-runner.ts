/**
 * The local runner: nodes run on this machine, in process or in a worker subprocess (tensor
 * work, GPU slots), holding slots of the resource pools (the `gpu` pool's slots come from
 * CUDA_VISIBLE_DEVICES, else LAYERFUSE_WEBGPU_ADAPTERS, else nvidia-smi -L; a worker sees only
 * its own devices). `cpus`, `mem` and `time` are requests for a cluster scheduler and mean
 * nothing here. Worker processes are kept between nodes and reused (worker-pool.ts); close()
 * shuts down those left when the run ends.
 */
import type { ResolvedNode } from '../dsl/types.js';
import type { Cache, IndexRecord } from './cache.js';
import type { NodeTypeLookup } from './components.js';
import { PlanError } from './errors.js';
import { detectGpuSlots, ResourcePools } from './pools.js';
import { runJob } from './run-job.js';
import { RunnerCancelled, type NodeRunner, type RunRequest } from './runner.js';
import { WorkerPool } from './worker-pool.js';

/** Resource names that are scheduler requests, not pools (see request.ts for Slurm). */
const REQUESTS_ONLY: ReadonlySet<string> = new Set(['cpus', 'mem', 'time']);

export interface LocalRunnerOptions {
  cache: Cache;
  lookup: NodeTypeLookup;
  /** Slots of the gpu pool; default detected, when a node asks for a GPU. */
  gpuSlots?: readonly string[];
  /** Environment for workers (their CUDA_VISIBLE_DEVICES is set from their slots); default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Keep worker processes for further nodes (worker-pool.ts); default on, unless the
   * environment says LAYERFUSE_REUSE_WORKERS=0.
   */
  reuseWorkers?: boolean;
  /** Idle workers kept at once; default 1 (the executor passes its -j). */
  maxIdleWorkers?: number;
  /** Jobs a worker runs before it is replaced (default worker-pool.ts's). */
  workerMaxJobs?: number;
  /** Resident memory past which a worker is not reused; default LAYERFUSE_WORKER_MAX_RSS_MB, else worker-pool.ts's. */
  workerMaxRssBytes?: number;
}

/**
 * Whether workers are reused: the option, else LAYERFUSE_REUSE_WORKERS (0, false, no or off turn
 * it off; 1, true, yes or on keep it). Any other value is refused rather than guessed at.
 */
export function reuseWorkersFrom(option: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (option !== undefined) return option;
  const raw = env.LAYERFUSE_REUSE_WORKERS;
  const v = raw?.trim().toLowerCase();
  if (v === undefined || v === '') return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  throw new PlanError(`LAYERFUSE_REUSE_WORKERS=${raw}: give 0 or 1 (also false/true, no/yes, off/on)`);
}

/** The worker memory bound: the option, else LAYERFUSE_WORKER_MAX_RSS_MB (a positive number of MiB). */
export function maxRssFrom(option: number | undefined, env: NodeJS.ProcessEnv): number | undefined {
  if (option !== undefined) return option;
  const raw = env.LAYERFUSE_WORKER_MAX_RSS_MB;
  if (raw === undefined || raw.trim() === '') return undefined;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb <= 0) throw new PlanError(`LAYERFUSE_WORKER_MAX_RSS_MB=${raw}: give a positive number of MiB`);
  return mb * 2 ** 20;
}

/** The pool slots a node holds: its resources without the scheduler-only requests. */
export function poolRequest(resources: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(resources)) if (!REQUESTS_ONLY.has(k)) out[k] = v;
  return out;
}

export class LocalRunner implements NodeRunner {
  readonly name = 'local';
  readonly defaultRetries = 0;
  readonly outputsInPlace = true;
  readonly sharesCores = true;
  private pools = new ResourcePools({});
  /** Made on the first worker node (a run of in-process nodes never needs one). */
  private workers: WorkerPool | undefined;

  constructor(private readonly o: LocalRunnerOptions) {}

  private workerPool(nodeId: string): WorkerPool {
    if (this.workers) return this.workers;
    const dir = this.o.cache.dir;
    if (dir === undefined) throw new Error(`node ${nodeId}: worker nodes need a cache on disk (--cache-dir)`);
    const env = this.o.env ?? process.env;
    const maxRssBytes = maxRssFrom(this.o.workerMaxRssBytes, env);
    this.workers = new WorkerPool({
      cacheDir: dir,
      reuse: reuseWorkersFrom(this.o.reuseWorkers, env),
      maxIdle: this.o.maxIdleWorkers ?? 1,
      ...(this.o.workerMaxJobs !== undefined ? { maxJobs: this.o.workerMaxJobs } : {}),
      ...(maxRssBytes !== undefined ? { maxRssBytes } : {}),
    });
    return this.workers;
  }

  preflight(nodes: readonly ResolvedNode[]): string[] {
    // Detect GPUs only when a node asks: a warm rerun of a CPU pipeline spawns nothing.
    const needsGpu = nodes.some((n) => (n.resources.gpu ?? 0) > 0);
    const slots: Record<string, readonly string[]> = {};
    if (needsGpu || this.o.gpuSlots) slots.gpu = this.o.gpuSlots ?? detectGpuSlots(this.o.env ?? process.env);
    this.pools = new ResourcePools(slots);
    const problems: string[] = [];
    for (const n of nodes) {
      const why = this.pools.impossible(poolRequest(n.resources));
      if (why) problems.push(`node ${n.id}: ${why}`);
    }
    // The worker settings from the environment: a bad value stops the run before anything starts.
    const env = this.o.env ?? process.env;
    for (const check of [() => reuseWorkersFrom(this.o.reuseWorkers, env), () => maxRssFrom(this.o.workerMaxRssBytes, env)]) {
      try {
        check();
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    return problems;
  }

  async run(req: RunRequest): Promise<IndexRecord> {
    const grant = await this.pools.acquire(poolRequest(req.node.resources), req.stopNew).catch((e: unknown) => {
      // Still waiting for a slot when the run stopped starting nodes: it never began.
      throw req.stopNew.aborted ? new RunnerCancelled('the run stopped after a failure') : e;
    });
    try {
      req.onRunning?.({ worker: req.worker });
      if (!req.worker) {
        return await runJob(req.job, {
          cache: this.o.cache,
          lookup: this.o.lookup,
          signal: req.signal,
          worker: false,
          ...callbacks(req),
          ...(req.onSpawn ? { onSpawned: req.onSpawn } : {}),
        });
      }
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.o.env ?? process.env)) if (v !== undefined) env[k] = v;
      if (grant.slots.gpu) {
        env.CUDA_VISIBLE_DEVICES = grant.slots.gpu.join(',');
        // Vulkan ignores CUDA_VISIBLE_DEVICES: TF.js on WebGPU (one device) takes the first slot's adapter.
        env.LAYERFUSE_WEBGPU_ADAPTER = grant.slots.gpu[0]!;
      }
      const pool = this.workerPool(req.job.nodeId);
      return await pool.run(req.job, { cache: this.o.cache, signal: req.signal, env, ...callbacks(req), ...(req.onSpawn ? { onSpawn: req.onSpawn } : {}) });
    } finally {
      grant.release();
    }
  }

  /** Shuts down the idle workers (each frees what it holds first) and waits until they are gone. */
  async close(): Promise<void> {
    // The closed pool stays: a worker node asked of a closed runner fails ("the run is over")
    // instead of starting a pool nobody would close.
    await this.workers?.close();
  }
}

function callbacks(req: RunRequest): Pick<RunRequest, 'onProgress' | 'onLog' | 'onWarning'> {
  return {
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
    ...(req.onLog ? { onLog: req.onLog } : {}),
    ...(req.onWarning ? { onWarning: req.onWarning } : {}),
  };
}

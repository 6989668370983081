/**
 * The local runner: nodes run on this machine, in process or in a worker subprocess (tensor
 * work, GPU slots), holding slots of the resource pools (the `gpu` pool's slots come from
 * CUDA_VISIBLE_DEVICES, else LAYERFUSE_WEBGPU_ADAPTERS, else nvidia-smi -L; a worker sees only
 * its own devices). `cpus`, `mem` and `time` are requests for a cluster scheduler and mean
 * nothing here.
 */
import type { ResolvedNode } from '../dsl/types.js';
import type { Cache, IndexRecord } from './cache.js';
import type { NodeTypeLookup } from './components.js';
import { detectGpuSlots, ResourcePools } from './pools.js';
import { runJob } from './run-job.js';
import { RunnerCancelled, type NodeRunner, type RunRequest } from './runner.js';
import { runInWorker } from './worker-client.js';

/** Resource names that are scheduler requests, not pools (see request.ts for Slurm). */
const REQUESTS_ONLY: ReadonlySet<string> = new Set(['cpus', 'mem', 'time']);

export interface LocalRunnerOptions {
  cache: Cache;
  lookup: NodeTypeLookup;
  /** Slots of the gpu pool; default detected, when a node asks for a GPU. */
  gpuSlots?: readonly string[];
  /** Environment for workers (their CUDA_VISIBLE_DEVICES is set from their slots); default process.env. */
  env?: NodeJS.ProcessEnv;
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
  private pools = new ResourcePools({});

  constructor(private readonly o: LocalRunnerOptions) {}

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
      return await runInWorker(req.job, { cache: this.o.cache, signal: req.signal, env, ...callbacks(req), ...(req.onSpawn ? { onSpawn: req.onSpawn } : {}) });
    } finally {
      grant.release();
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function callbacks(req: RunRequest): Pick<RunRequest, 'onProgress' | 'onLog' | 'onWarning'> {
  return {
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
    ...(req.onLog ? { onLog: req.onLog } : {}),
    ...(req.onWarning ? { onWarning: req.onWarning } : {}),
  };
}

/**
 * Running a pipeline graph: each node's execution is created once and memoizes its promise
 * (wireit `execution/base.ts`); a node waits for its upstream executions, computes its key from
 * their output digests, applies a cache hit or takes a `-j` slot and the key's lock, and hands
 * the planned job to a runner (runner.ts): the local one (in process or in a worker, with its
 * resource slots) or Slurm's. A failed attempt is tried again up to the node's `retries`. Every
 * status change is one event to the logger. The failure policy is driven by two AbortSignals:
 * `stopNew` (no node starts any more) and `killRunning` (running nodes are stopped).
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import type { PipelineGraph, ResolvedNode } from '../dsl/types.js';
import { getNodeType } from '../nodes/registry.js';
import type { ComputeSettings, NodeType, RestoreContext } from '../artifacts/index.js';
import type { Cache, IndexRecord, Lock, OutputRecord } from './cache.js';
import { inputArtifacts, keyComponents, type NodeTypeLookup } from './components.js';
import { dependenciesOf, runSelection } from './graph.js';
import type { Job } from './job.js';
import { errorMessage, PlanError, type CorruptObjectError } from './errors.js';
import { referencedObjects } from './fs-cache.js';
import { sha256Hex } from '../artifacts/canonical-json.js';
import { keyOf, type KeyComponents } from './key.js';
import { isFilesManifest, materializePublished, writeFilesManifest } from './materialize.js';
import { lockFilePath, updatePipelineLock, type LockedNode } from './pipeline-lock.js';
import { LocalRunner } from './local-runner.js';
import { RunnerCancelled, RunnerError, type NodeRunner } from './runner.js';
import { defaultCompute } from './node-context.js';
import { autoWasmThreads } from './wasm-threads.js';
import { FINAL_STATUSES, silentLogger, type FailurePolicy, type Logger, type NodeStatus } from './status.js';

export interface RunOptions {
  cache: Cache;
  /** Concurrent nodes (`-j`); default: the number of cores. */
  jobs?: number;
  /** Run only these nodes (ids or groups) and what they need. */
  only?: readonly string[];
  /** Rerun these (ids or groups) even when cached. */
  force?: readonly string[];
  policy?: FailurePolicy;
  backend?: string;
  /** Inference engine for inference-heavy nodes: auto | onnxruntime | tfjs (default auto). */
  engine?: string;
  /** ONNX Runtime execution provider: cpu | cuda (default cpu). */
  ortProvider?: string;
  /** ONNX Runtime threads per node; default floor(cores / jobs), at least 1. */
  threads?: number;
  /**
   * TF.js WASM threads per node: a number for every node (1: the single-threaded build), or
   * `auto` (default): a worker node on WASM whose type gains from threads gets its share of the
   * cores among the nodes that can run when it starts (wasm-threads.ts, computeFor); other
   * nodes, in-process nodes and non-local runners get 1.
   */
  wasmThreads?: number | 'auto';
  logger?: Logger;
  /** Abort to stop the run (Ctrl-C): workers are killed, locks released, the cache stays consistent. */
  signal?: AbortSignal;
  /** Node type lookup; the real registry by default (tests inject fake types). */
  lookup?: NodeTypeLookup;
  /** Slots of the gpu pool; default detected (CUDA_VISIBLE_DEVICES, else LAYERFUSE_WEBGPU_ADAPTERS, else nvidia-smi -L). */
  gpuSlots?: readonly string[];
  /** Where published outputs go (`<resultsDir>/<pipeline>/<node>/`); default `results/` of the cwd. */
  resultsDir?: string;
  /** Update `<pipeline>.lock.json` beside the pipeline; default true. */
  writeLockFile?: boolean;
  /** Whether a node runs in a worker subprocess; default: the type says `worker`, or it holds GPUs. */
  workerFor?: (node: ResolvedNode, type: NodeType<never>) => boolean;
  /**
   * Environment for workers (their CUDA_VISIBLE_DEVICES, and LAYERFUSE_WEBGPU_ADAPTER for WebGPU,
   * are set from their gpu slots); default process.env.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Local runner: keep worker processes between nodes for the next worker node with the same
   * spawn environment (default on, unless LAYERFUSE_REUSE_WORKERS=0); false starts a fresh
   * process for every worker node.
   */
  reuseWorkers?: boolean;
  /** Where nodes run; default the local runner (in process and worker subprocesses, on this machine). */
  runner?: NodeRunner;
}

export interface NodeResult {
  id: string;
  status: NodeStatus;
  key?: string;
  components?: KeyComponents;
  outputs?: Record<string, OutputRecord>;
  /** failed: the error message (no stack); skipped/cancelled: why. */
  message?: string;
  logFile?: string;
  durationMs?: number;
  /** Where its published outputs were materialized. */
  resultsDir?: string;
  /** The published file to open first (a files manifest's `main`), as a path under resultsDir. */
  resultsMain?: string;
  /** The lines that published manifest offers for the run summary (its `summary`). */
  resultsSummary?: string[];
}

export interface RunSummary {
  ok: boolean;
  /** Stopped by the caller's signal (Ctrl-C). */
  interrupted: boolean;
  nodes: Map<string, NodeResult>;
  counts: Record<NodeStatus, number>;
  failures: NodeResult[];
  lockFile?: string;
  /** Why the lock file could not be written (the run itself is unaffected). */
  lockFileError?: string;
  /** Every warning of the run, in the order they came (a cached node's are repeated from its record). */
  warnings: Array<{ node: string; message: string }>;
}

export { PlanError };

export async function runPipeline(graph: PipelineGraph, options: RunOptions): Promise<RunSummary> {
  const run = new PipelineRun(graph, options);
  return run.start();
}

class PipelineRun {
  private readonly lookup: NodeTypeLookup;
  private readonly logger: Logger;
  private readonly policy: FailurePolicy;
  private readonly cache: Cache;
  private readonly results = new Map<string, NodeResult>();
  private readonly executions = new Map<string, Promise<NodeResult>>();
  private readonly stopNew = new AbortController();
  private readonly killRunning = new AbortController();
  private readonly limit: ReturnType<typeof pLimit>;
  /** What every job of this run gets as ctx.compute (with `--wasm-threads auto`, wasmThreads 1 until computeFor decides). */
  private readonly compute: ComputeSettings;
  private readonly jobs: number;
  private readonly forced: Set<string>;
  private readonly selected: Set<string>;
  private readonly runner: NodeRunner;
  private interrupted = false;
  private readonly warnings: Array<{ node: string; message: string }> = [];

  constructor(
    private readonly graph: PipelineGraph,
    private readonly o: RunOptions,
  ) {
    this.lookup = o.lookup ?? getNodeType;
    this.logger = o.logger ?? silentLogger;
    this.policy = o.policy ?? 'no-new';
    this.cache = o.cache;
    // Every waiting or running node listens on these two signals: hundreds of listeners are
    // expected, not a leak, so lift Node's warning threshold for them.
    setMaxListeners(0, this.stopNew.signal, this.killRunning.signal);
    const jobs = Math.max(1, o.jobs ?? availableParallelism());
    this.jobs = jobs;
    this.limit = pLimit(jobs);
    const auto = defaultCompute(jobs);
    const wasmThreads = o.wasmThreads ?? 'auto';
    this.compute = {
      engine: o.engine ?? auto.engine,
      provider: o.ortProvider ?? auto.provider,
      threads: o.threads ?? auto.threads,
      wasmThreads: wasmThreads === 'auto' ? auto.wasmThreads : wasmThreads,
      ...(wasmThreads === 'auto' ? { wasmThreadsAuto: true } : {}),
    };
    const { selected, forced } = runSelection(graph, o.only, o.force);
    this.selected = selected;
    this.forced = forced;
    this.runner =
      o.runner ??
      new LocalRunner({
        cache: o.cache,
        lookup: this.lookup,
        maxIdleWorkers: jobs,
        ...(o.gpuSlots ? { gpuSlots: o.gpuSlots } : {}),
        ...(o.env ? { env: o.env } : {}),
        ...(o.reuseWorkers !== undefined ? { reuseWorkers: o.reuseWorkers } : {}),
      });
  }

  /** Report a warning now and keep it for the summary. */
  private warn(node: string, message: string): void {
    this.warnings.push({ node, message });
    this.logger.onEvent({ kind: 'warning', node, message });
  }

  private typeOf(node: ResolvedNode): NodeType<never> {
    const type = this.lookup(node.type);
    if (!type) throw new PlanError(`node ${node.id}: unknown node type '${node.type}'`);
    return type;
  }

  /** Checks that need no running: node types exist, the runner can ever meet each node's requests. */
  private preflight(order: string[]): void {
    const problems: string[] = [];
    const nodes = order.map((id) => this.graph.nodes.get(id) as ResolvedNode);
    for (const node of nodes) if (!this.lookup(node.type)) problems.push(`node ${node.id}: unknown node type '${node.type}'`);
    problems.push(...this.runner.preflight(nodes));
    if (problems.length > 0) throw new PlanError(problems.join('\n'));
  }

  async start(): Promise<RunSummary> {
    // The DSL hands nodes over in topological order (ties by id).
    const order = [...this.graph.nodes.keys()].filter((id) => this.selected.has(id));
    this.preflight(order);
    const onAbort = (): void => {
      this.interrupted = true;
      this.stopNew.abort(new Error('interrupted'));
      this.killRunning.abort(new Error('interrupted'));
    };
    if (this.o.signal?.aborted) onAbort();
    this.o.signal?.addEventListener('abort', onAbort, { once: true });
    for (const id of order) this.results.set(id, { id, status: 'pending' });
    this.logger.onEvent({ kind: 'start', pipeline: this.graph.name, nodes: order });
    try {
      await Promise.all(order.map((id) => this.execute(id)));
    } finally {
      this.o.signal?.removeEventListener('abort', onAbort);
      await this.runner.close();
    }
    const counts = { pending: 0, ready: 0, running: 0, cached: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 };
    for (const r of this.results.values()) counts[r.status]++;
    const failures = [...this.results.values()].filter((r) => r.status === 'failed');
    const ok = failures.length === 0 && !this.interrupted && counts.cancelled === 0 && counts.skipped === 0;
    const summary: RunSummary = { ok, interrupted: this.interrupted, nodes: this.results, counts, failures, warnings: [...this.warnings] };
    if (this.o.writeLockFile !== false) {
      // A read-only pipeline folder (an installed package) must not turn a good run into a crash.
      try {
        summary.lockFile = await this.writeLock();
      } catch (e) {
        summary.lockFileError = `could not write ${lockFilePath(this.graph.file)}: ${(e as Error).message}`;
      }
    }
    this.logger.onEvent({ kind: 'finish', ok, interrupted: this.interrupted });
    return summary;
  }

  private async writeLock(): Promise<string> {
    const path = lockFilePath(this.graph.file);
    const finished = new Map<string, LockedNode>();
    for (const r of this.results.values()) {
      if ((r.status === 'cached' || r.status === 'succeeded') && r.key && r.components && r.outputs) {
        const outputs: Record<string, string> = {};
        for (const [port, o] of Object.entries(r.outputs)) outputs[port] = o.digest;
        finished.set(r.id, { key: r.key, components: r.components, outputs });
      }
    }
    await updatePipelineLock(path, this.graph.name, new Set(this.graph.nodes.keys()), finished, () => this.cache.lock(`pipeline-lock-${sha256Hex(resolve(path)).slice(0, 32)}`));
    return path;
  }

  private transition(id: string, status: NodeStatus, extra: Partial<NodeResult> & { worker?: boolean; detail?: string } = {}): NodeResult {
    const prev = this.results.get(id) ?? { id, status: 'pending' as NodeStatus };
    const { worker, detail, ...rest } = extra;
    const next: NodeResult = { ...prev, ...rest, status };
    this.results.set(id, next);
    this.logger.onEvent({
      kind: 'status',
      node: id,
      status,
      previous: prev.status,
      ...(next.message !== undefined && (status === 'failed' || status === 'skipped' || status === 'cancelled') ? { message: next.message } : {}),
      ...(next.logFile !== undefined && (status === 'failed' || status === 'succeeded' || status === 'running') ? { logFile: next.logFile } : {}),
      ...(next.durationMs !== undefined && FINAL_STATUSES.has(status) ? { durationMs: next.durationMs } : {}),
      ...(worker !== undefined ? { worker } : {}),
      ...(detail !== undefined ? { detail } : {}),
    });
    if (status === 'failed' && this.policy !== 'continue') {
      this.stopNew.abort(new Error(`node ${id} failed`));
      if (this.policy === 'kill') this.killRunning.abort(new Error(`node ${id} failed`));
    }
    return next;
  }

  private execute(id: string): Promise<NodeResult> {
    let p = this.executions.get(id);
    if (!p) {
      p = this.executeOnce(id);
      this.executions.set(id, p);
    }
    return p;
  }

  private cancelled(id: string): NodeResult {
    return this.transition(id, 'cancelled', { message: this.interrupted ? 'interrupted' : 'the run stopped after a failure' });
  }

  private async executeOnce(id: string): Promise<NodeResult> {
    const node = this.graph.nodes.get(id) as ResolvedNode;
    const deps = await Promise.all(dependenciesOf(node).map((d) => this.execute(d)));
    const bad = deps.find((d) => d.status !== 'cached' && d.status !== 'succeeded');
    if (bad) {
      const why = bad.status === 'failed' ? 'failed' : bad.status === 'skipped' ? 'was skipped' : 'was cancelled';
      if (bad.status === 'cancelled' && this.stopNew.signal.aborted) return this.cancelled(id);
      return this.transition(id, 'skipped', { message: `upstream ${bad.id} ${why}` });
    }
    if (this.stopNew.signal.aborted) return this.cancelled(id);
    this.transition(id, 'ready');
    const type = this.typeOf(node);
    const inputs = inputArtifacts(node, (up) => this.results.get(up)?.outputs);
    if (!inputs) return this.transition(id, 'failed', { message: `node ${id}: an upstream output it references is missing` });
    let components: KeyComponents;
    try {
      components = await keyComponents(node, type, inputs, this.graph.dir, { name: this.graph.name, params: this.graph.params });
    } catch (e) {
      return this.transition(id, 'failed', { message: errorMessage(e) });
    }
    const key = keyOf(components);
    const useCache = node.cache && type.cacheable !== false && !this.forced.has(id);
    const started = Date.now();

    if (useCache) {
      const hit = await this.tryHit(node, type, key, components, started);
      if (hit) return hit;
    }
    try {
      // A -j slot is held only while the key's lock is ours: when another run holds it, the
      // slot goes back and we wait for the lock without one, then come back with it (that run
      // was most likely making this very result, which runWithSlots then finds cached).
      const done = await this.limit(() => this.runWithSlots(node, type, key, components, inputs, useCache, undefined));
      if (done) return done;
      const held = await this.cache.lock(key, this.stopNew.signal);
      return (await this.limit(() => this.runWithSlots(node, type, key, components, inputs, useCache, held)))!;
    } catch (e) {
      if (this.stopNew.signal.aborted && !(e instanceof Error && e.name === 'NodeError')) return this.cancelled(id);
      return this.transition(id, 'failed', { message: errorMessage(e) });
    }
  }

  /** Apply a cache hit if there is one: restore outputs, materialize, mark cached. */
  private async tryHit(node: ResolvedNode, type: NodeType<never>, key: string, components: KeyComponents, started: number): Promise<NodeResult | undefined> {
    const hit = await this.cache.get(key, (message) => this.warn(node.id, message));
    if (!hit || !(await hit.apply())) return undefined;
    const outputs = hit.record.outputs;
    try {
      await this.afterOutputs(node, type, outputs);
    } catch (e) {
      // Restoring refuses objects that do not match their digest. Find them: each is moved out
      // of the store, which turns this hit into a miss, and the node runs again.
      const corrupt = await this.corruptObjectsOf(hit.record);
      if (corrupt.length > 0) {
        for (const c of corrupt) {
          const where = c.movedTo ? ` (moved to ${c.movedTo})` : '';
          this.warn(node.id, `cache object ${c.digest} is corrupted${where}; running the node again`);
        }
        return undefined;
      }
      return this.transition(node.id, 'failed', { key, components, message: errorMessage(e) });
    }
    // What the node warned about when it ran still holds for the result reused now.
    for (const w of recordedWarnings(hit.record)) this.warn(node.id, `${w} (from its cached run)`);
    return this.transition(node.id, 'cached', { key, components, outputs, durationMs: Date.now() - started, ...this.resultsOf(node, type, outputs) });
  }

  private async corruptObjectsOf(record: IndexRecord): Promise<CorruptObjectError[]> {
    const found: CorruptObjectError[] = [];
    for (const digest of referencedObjects(record)) {
      const c = await this.cache.checkObject(digest);
      if (c) found.push(c);
    }
    return found;
  }

  /**
   * Where the node's results went, when it published any file (a shell node publishes only on
   * request), and the file to open first with its summary lines when a published manifest names
   * one (a report's HTML page). Paths as materializePublished lays them out.
   */
  private resultsOf(node: ResolvedNode, type: NodeType<never>, outputs: Record<string, OutputRecord>): Pick<NodeResult, 'resultsDir' | 'resultsMain' | 'resultsSummary'> {
    const ports = Object.entries(type.outputs).filter(([, d]) => d.publish);
    if (!ports.some(([port]) => publishesFiles(outputs[port]?.manifest))) return {};
    const resultsDir = resolve(this.o.resultsDir ?? 'results', this.graph.name, node.id);
    for (const [port] of ports) {
      const m = outputs[port]?.manifest;
      if (!isFilesManifest(m) || typeof m.main !== 'string' || !(m.main in m.files)) continue;
      const summary = Array.isArray(m.summary) ? m.summary.filter((l): l is string => typeof l === 'string') : [];
      return { resultsDir, resultsMain: join(ports.length === 1 ? resultsDir : join(resultsDir, port), m.main), ...(summary.length ? { resultsSummary: summary } : {}) };
    }
    return { resultsDir };
  }

  /** Restore a hit's outputs to where the node would have put them, and publish results. */
  private async afterOutputs(node: ResolvedNode, type: NodeType<never>, outputs: Record<string, OutputRecord>, restore = true): Promise<void> {
    if (restore && type.restore) {
      const ctx: RestoreContext = {
        nodeId: node.id,
        pipelineDir: this.graph.dir,
        signal: this.killRunning.signal,
        getBytes: (ref) => this.cache.getBytes(ref.$blob),
        blobPath: (ref) => this.cache.blobPath(ref.$blob),
        writeFiles: async (files, baseDir) => {
          await writeFilesManifest(files, baseDir, (d) => this.cache.blobPath(d), { root: this.graph.dir, who: `node ${node.id}: restoring its outputs` });
        },
      };
      const manifests: Record<string, unknown> = {};
      for (const [port, o] of Object.entries(outputs)) manifests[port] = o.manifest;
      await type.restore(ctx, node.params as never, manifests);
    }
    await materializePublished(type, outputs, resolve(this.o.resultsDir ?? 'results'), this.graph.name, node.id, (d) =>
      this.cache.blobPath(d),
    );
  }

  /**
   * The compute settings of a node about to start. With `--wasm-threads auto`, a worker node
   * whose type gains from threaded WASM (its `threadedWasm`) and that may run on WASM (backend
   * wasm or auto), on this machine, gets its share of the cores among the nodes running or ready
   * now, this one included (wasm-threads.ts). Every other node gets 1: in-process nodes because
   * the run's own process settles one WASM build for all of them; nodes that do no TF.js work so
   * that they keep sharing workers (a worker's thread count is part of its spawn signature);
   * Slurm jobs as before, since this machine's cores say nothing about a compute node's.
   */
  private computeFor(node: ResolvedNode, type: NodeType<never>, worker: boolean): ComputeSettings {
    const backend = this.o.backend ?? 'auto';
    if (!this.compute.wasmThreadsAuto || !worker || !this.runner.sharesCores || (backend !== 'auto' && backend !== 'wasm')) return this.compute;
    if (type.threadedWasm?.(node.params as never, { engine: this.compute.engine }) !== true) return this.compute;
    let active = 0;
    for (const r of this.results.values()) if (r.status === 'ready' || r.status === 'running') active++;
    return { ...this.compute, wasmThreads: autoWasmThreads({ cores: availableParallelism(), active, jobs: this.jobs }) };
  }

  private async runWithSlots(
    node: ResolvedNode,
    type: NodeType<never>,
    key: string,
    components: KeyComponents,
    inputs: Job['inputs'],
    useCache: boolean,
    held: Lock | undefined,
  ): Promise<NodeResult | undefined> {
    const id = node.id;
    if (this.stopNew.signal.aborted) {
      await held?.release();
      return this.cancelled(id);
    }
    const lock = held ?? (await this.cache.tryLock(key));
    // Busy: the caller waits for the lock outside the -j slot and comes back with it.
    if (!lock) return undefined;
    try {
      const started = Date.now();
      // Another run may have finished this key while we waited for the lock.
      if (useCache) {
        const hit = await this.tryHit(node, type, key, components, started);
        if (hit) return hit;
      }
      if (this.stopNew.signal.aborted) return this.cancelled(id);
      const logFile = this.cache.logPath(`${id}.${key.slice(0, 12)}`);
      const job: Job = {
        format: 1,
        nodeId: id,
        type: node.type,
        params: node.params,
        inputs,
        key,
        components,
        backend: this.o.backend ?? 'auto',
        compute: this.compute,
        pipelineDir: this.graph.dir,
        logFile,
      };
      const worker = (this.o.workerFor ?? defaultWorkerFor)(node, type);
      job.compute = this.computeFor(node, type, worker);
      const attempts = 1 + (node.retries ?? this.runner.defaultRetries);
      let record: IndexRecord | undefined;
      for (let attempt = 0; record === undefined; attempt++) {
        try {
          record = await this.runner.run({
            job,
            node,
            attempt,
            attempts,
            signal: this.killRunning.signal,
            stopNew: this.stopNew.signal,
            worker,
            onRunning: (info) => void this.transition(id, 'running', { key, components, logFile, ...info }),
            onProgress: (progress) => this.logger.onEvent({ kind: 'progress', node: id, progress }),
            onLog: (line) => this.logger.onEvent({ kind: 'log', node: id, line }),
            onWarning: (message) => this.warn(id, message),
            // The worker and whatever the node starts hold the key with us: if this process is
            // killed outright, another run waits for them instead of running the node beside them.
            onSpawn: (pid) => void lock.addHolder(pid),
          });
        } catch (e) {
          const failedLog = e instanceof RunnerError || e instanceof RunnerCancelled ? (e.logFile ?? logFile) : logFile;
          if (this.killRunning.signal.aborted || e instanceof RunnerCancelled) {
            const why = this.interrupted ? 'interrupted' : e instanceof RunnerCancelled ? e.message : 'stopped after a failure';
            return this.transition(id, 'cancelled', { message: why, logFile: failedLog, durationMs: Date.now() - started });
          }
          const again = attempt + 1 < attempts && !this.stopNew.signal.aborted && !(e instanceof RunnerError && !e.retryable);
          if (!again) return this.transition(id, 'failed', { message: errorMessage(e), logFile: failedLog, durationMs: Date.now() - started });
          const message = errorMessage(e).replace(`node ${id}: `, '');
          this.warn(id, `attempt ${attempt + 1} of ${attempts} failed: ${message}`);
        }
      }
      // A node that ran elsewhere (a Slurm job) left its output files there: restore them here.
      await this.afterOutputs(node, type, record.outputs, !this.runner.outputsInPlace);
      return this.transition(id, 'succeeded', { outputs: record.outputs, durationMs: Date.now() - started, ...this.resultsOf(node, type, record.outputs) });
    } finally {
      await lock.release();
    }
  }
}

/** The warnings the latest run of a cached entry recorded (run-job.ts: `facts.warnings`). */
function recordedWarnings(record: IndexRecord): string[] {
  const w = record.runs?.[record.runs.length - 1]?.facts?.warnings;
  return Array.isArray(w) ? w.filter((x): x is string => typeof x === 'string') : [];
}

function publishesFiles(manifest: unknown): boolean {
  return isFilesManifest(manifest) && Object.keys(manifest.files).length > 0;
}

function defaultWorkerFor(node: ResolvedNode, type: NodeType<never>): boolean {
  return type.worker === true || (node.resources.gpu ?? 0) > 0;
}

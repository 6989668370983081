/**
 * Test rig for the executor (wireit `test/util` style): a temp directory per test, graphs built
 * in code, and fake node types that count their invocations so cache tests can assert "ran
 * once, then restored".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NodeError, type Artifact, type NodeType } from '../../src/artifacts/index.js';
import { topoOrder } from '../../src/dsl/graph.js';
import type { InputRef, PipelineGraph, ResolvedNode } from '../../src/dsl/types.js';
import { FsCache, getNodeType, runPipeline, type Cache, type ExecutorEvent, type RunOptions, type RunSummary } from '../../src/executor/index.js';

export interface NodeSpec {
  type: string;
  params?: Record<string, unknown>;
  inputs?: Record<string, InputRef | InputRef[] | string | string[]>;
  needs?: string[];
  resources?: Record<string, number>;
  cache?: boolean;
  group?: string;
}

/**
 * Build a PipelineGraph the way the DSL would hand it over (`'a'` is short for `{node:'a',
 * port:'out'}`): nodes in the DSL's topological order, whatever order the specs list them in.
 */
export function makeGraph(dir: string, name: string, specs: Record<string, NodeSpec>, file = join(dir, `${name}.yaml`)): PipelineGraph {
  const ref = (r: InputRef | string): InputRef => (typeof r === 'string' ? { node: r, port: 'out' } : r);
  const nodes = new Map<string, ResolvedNode>();
  for (const [id, s] of Object.entries(specs)) {
    const inputs: Record<string, InputRef | InputRef[]> = {};
    for (const [port, r] of Object.entries(s.inputs ?? {})) inputs[port] = Array.isArray(r) ? r.map(ref) : ref(r);
    nodes.set(id, {
      id,
      type: s.type,
      group: s.group ?? id.split('.')[0] ?? id,
      params: s.params ?? {},
      inputs,
      needs: s.needs ?? [],
      resources: s.resources ?? {},
      cache: s.cache ?? true,
      location: { file },
    });
  }
  const consumers = new Map<string, string[]>();
  for (const n of nodes.values()) {
    const deps = new Set([...n.needs, ...Object.values(n.inputs).flatMap((r) => (Array.isArray(r) ? r : [r]).map((x) => x.node))]);
    for (const d of deps) consumers.set(d, [...(consumers.get(d) ?? []), n.id]);
  }
  const ordered = new Map(topoOrder(nodes.keys(), (id) => consumers.get(id) ?? []).map((id) => [id, nodes.get(id)!]));
  return { name, file, dir, params: {}, nodes: ordered };
}

export class Counter {
  readonly runs = new Map<string, number>();
  hit(id: string): void {
    this.runs.set(id, (this.runs.get(id) ?? 0) + 1);
  }
  get(id: string): number {
    return this.runs.get(id) ?? 0;
  }
  total(): number {
    let n = 0;
    for (const v of this.runs.values()) n += v;
    return n;
  }
  reset(): void {
    this.runs.clear();
  }
}

function value(a: Artifact | Artifact[] | undefined): unknown {
  if (a === undefined) return undefined;
  if (Array.isArray(a)) return a.map((x) => (x.manifest as { value: unknown }).value);
  return (a.manifest as { value: unknown }).value;
}

/**
 * Fake types: `fake/const` outputs `{value: params.value}`; `fake/sum` adds its `xs` inputs and
 * params.add; `fake/mod` outputs `xs[0] % params.m` (for early cut-off); `fake/fail` throws a
 * NodeError; `fake/wait` waits until `release()` is called (or the signal aborts); `fake/warn`
 * warns `params.warnings` and outputs their count.
 */
export function fakeTypes(counter: Counter, gate?: { wait: Promise<void> }): Map<string, NodeType<never>> {
  const out = { out: { type: 'json' as const, description: 'value' } };
  const xs = { xs: { type: 'json' as const, description: 'inputs', many: true, optional: true } };
  const types: Array<NodeType<Record<string, unknown>>> = [
    {
      type: 'fake/const',
      version: 1,
      description: 'constant',
      params: { value: {} },
      inputs: {},
      outputs: out,
      async run(ctx, p) {
        counter.hit(ctx.nodeId);
        return { out: { value: p.value } };
      },
    },
    {
      type: 'fake/sum',
      version: 1,
      description: 'sum',
      params: { add: { type: 'number' } },
      inputs: xs,
      outputs: out,
      async run(ctx, p, inputs) {
        counter.hit(ctx.nodeId);
        const vals = (value(inputs.xs) as number[] | undefined) ?? [];
        return { out: { value: vals.reduce((a, b) => a + b, 0) + Number(p.add ?? 0) } };
      },
    },
    {
      type: 'fake/mod',
      version: 1,
      description: 'modulo',
      params: { m: { type: 'number' } },
      inputs: xs,
      outputs: out,
      async run(ctx, p, inputs) {
        counter.hit(ctx.nodeId);
        const vals = (value(inputs.xs) as number[] | undefined) ?? [0];
        return { out: { value: (vals[0] ?? 0) % Number(p.m) } };
      },
    },
    {
      type: 'fake/fail',
      version: 1,
      description: 'fails',
      params: {},
      inputs: xs,
      outputs: out,
      async run(ctx) {
        counter.hit(ctx.nodeId);
        ctx.log('about to fail');
        throw new NodeError(`node ${ctx.nodeId}: failed on purpose`);
      },
    },
    {
      type: 'fake/warn',
      version: 1,
      description: 'warns',
      params: { warnings: {} },
      inputs: xs,
      outputs: out,
      async run(ctx, p) {
        counter.hit(ctx.nodeId);
        const ws = (p.warnings as string[] | undefined) ?? [];
        for (const w of ws) ctx.warn(w);
        return { out: { value: ws.length } };
      },
    },
    {
      type: 'fake/wait',
      version: 1,
      description: 'waits for the gate',
      params: { value: {} },
      inputs: xs,
      outputs: out,
      async run(ctx, p) {
        counter.hit(ctx.nodeId);
        while (gate && !(await Promise.race([gate.wait.then(() => true), sleep(5).then(() => false)]))) {
          ctx.signal.throwIfAborted();
        }
        return { out: { value: p.value ?? null } };
      },
    },
  ];
  const map = new Map<string, NodeType<never>>();
  for (const t of types) map.set(t.type, t as unknown as NodeType<never>);
  return map;
}

export interface Rig {
  dir: string;
  cacheDir: string;
  cache: Cache;
  counter: Counter;
  types: Map<string, NodeType<never>>;
  events: ExecutorEvent[];
  run(graph: PipelineGraph, options?: Partial<RunOptions>): Promise<RunSummary>;
  graph(specs: Record<string, NodeSpec>, name?: string): PipelineGraph;
  cleanup(): Promise<void>;
}

export async function makeRig(opts: { gate?: { wait: Promise<void> } } = {}): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-exec-'));
  const cacheDir = join(dir, 'cache');
  const counter = new Counter();
  const types = fakeTypes(counter, opts.gate);
  const events: ExecutorEvent[] = [];
  const cache = new FsCache(cacheDir);
  return {
    dir,
    cacheDir,
    cache,
    counter,
    types,
    events,
    run: (graph, options = {}) =>
      runPipeline(graph, {
        cache,
        jobs: 4,
        lookup: (t) => types.get(t) ?? getNodeType(t),
        resultsDir: join(dir, 'results'),
        logger: { onEvent: (e) => events.push(e) },
        ...options,
      }),
    graph: (specs, name = 'test') => makeGraph(dir, name, specs),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Status per node id, for compact assertions. */
export function statuses(summary: RunSummary): Record<string, string> {
  return Object.fromEntries([...summary.nodes].map(([id, r]) => [id, r.status]));
}

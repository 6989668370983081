/**
 * Running exactly one node of a pipeline whose dependencies are already cached: the entry point
 * of `layerfuse run-node PIPELINE NODE`, by hand or as a cluster job (each job one node, all on
 * one shared cache). The dependencies' outputs are restored first, the node runs under its key's
 * lock (skipped when cached) and is recorded in the lock file, as `run --only NODE` would.
 */
import { relative } from 'node:path';
import type { PipelineGraph } from '../dsl/types.js';
import { PlanError } from './errors.js';
import { runPipeline, type RunOptions, type RunSummary } from './executor.js';
import { planPipeline } from './planner.js';

export interface RunNodeOptions extends Omit<RunOptions, 'only' | 'force' | 'jobs' | 'policy'> {
  /** Run it even when cached. */
  force?: boolean;
}

/** Throws a PlanError naming the dependencies that are not cached (and the command that runs them). */
export async function runNode(graph: PipelineGraph, nodeId: string, o: RunNodeOptions): Promise<RunSummary> {
  const waiting = (await planPipeline(graph, { cache: o.cache, only: [nodeId] })).filter((e) => e.id !== nodeId && e.action !== 'cached');
  if (waiting.length > 0) {
    const why = waiting.map((e) => `  ${e.id}: ${e.reasons.join('; ')}`).join('\n');
    const one = waiting.length === 1;
    throw new PlanError(
      `${nodeId} depends on ${one ? 'a node' : 'nodes'} not in the cache, and run-node runs one node:\n${why}\n` +
        `run ${one ? 'it' : 'them'} first: layerfuse run ${relative(process.cwd(), graph.file)} ${waiting.map((e) => `--only ${e.id}`).join(' ')}`,
    );
  }
  const { force, ...rest } = o;
  return runPipeline(graph, { ...rest, jobs: 1, only: [nodeId], force: force ? [nodeId] : [], policy: 'no-new' });
}

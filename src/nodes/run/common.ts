/** What several run modules share: pipeline-relative paths and the tensor backend a node runs on. */
import { isAbsolute, resolve } from 'node:path';
import { NodeError } from '../../artifacts/errors.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import { backendFacts, backendLog, initBackend } from '../../ml/backend.js';

/** A path param resolved against the pipeline directory (absolute paths would make keys machine-specific). */
export function pipelinePath(ctx: Pick<NodeContext, 'nodeId' | 'pipelineDir'>, path: string): string {
  if (isAbsolute(path)) throw new NodeError(`${ctx.nodeId}: path '${path}' must be relative to the pipeline directory`);
  return resolve(ctx.pipelineDir, path);
}

/**
 * Initialise the requested backend; the one that runs (with its adapter on WebGPU) goes into the
 * run record, and into the log unless `quiet`.
 */
export async function useBackend(ctx: NodeContext, opts: { quiet?: boolean } = {}): Promise<string> {
  const name = await initBackend(ctx.backend, { wasmThreads: ctx.compute.wasmThreads, wasmThreadsFallback: ctx.compute.wasmThreadsAuto === true });
  ctx.record({ ...backendFacts() });
  if (!opts.quiet) for (const line of backendLog()) ctx.log(line);
  return name;
}

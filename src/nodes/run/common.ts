/** What several run modules share: pipeline-relative paths and the tensor backend a node runs on. */
import { isAbsolute, resolve } from 'node:path';
import { NodeError } from '../../artifacts/errors.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import { currentWasmThreads, initBackend } from '../../ml/backend.js';

/** A path param resolved against the pipeline directory (absolute paths would make keys machine-specific). */
export function pipelinePath(ctx: Pick<NodeContext, 'nodeId' | 'pipelineDir'>, path: string): string {
  if (isAbsolute(path)) throw new NodeError(`${ctx.nodeId}: path '${path}' must be relative to the pipeline directory`);
  return resolve(ctx.pipelineDir, path);
}

/** Initialise the requested backend; the one that runs goes into the run record (and the log unless `quiet`). */
export async function useBackend(ctx: NodeContext, opts: { quiet?: boolean } = {}): Promise<string> {
  const name = await initBackend(ctx.backend, { wasmThreads: ctx.compute.wasmThreads });
  const threads = currentWasmThreads();
  ctx.record({ backend: name, ...(threads > 1 ? { wasmThreads: threads } : {}) });
  if (!opts.quiet) ctx.log(`backend ${name}${threads > 1 ? ` (${threads} threads)` : ''}`);
  return name;
}

/**
 * What a worker process calls around its jobs: whether caches may outlive a job, and, before it
 * exits, freeing what the nodes' tensor work left holding the process open (Dawn's GPU device
 * on WebGPU, whose live handle can keep Node from exiting). A run module like the families' bodies: the registry loads it lazily, so planning
 * never touches src/ml.
 */
import { releaseAll, setRetention } from '../../ml/release-hooks.js';

/** Whether caches kept by content digest may outlive the job (a worker that serves more). */
export function retainNodeResources(retain: boolean): void {
  setRetention(retain);
}

/** The problems met (best effort: the node's result stands either way). */
export function releaseNodeResources(): string[] {
  return releaseAll().map((e) => e.message);
}

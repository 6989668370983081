/**
 * What a worker process calls when its node is done: frees what the node's tensor work left
 * holding the process open (Dawn's GPU device on WebGPU, whose live handle can keep Node from
 * exiting). A run module like the families' bodies: the registry loads it lazily, so planning
 * never touches src/ml.
 */
import { releaseAll } from '../../ml/release-hooks.js';

/** The problems met (best effort: the node's result stands either way). */
export function releaseNodeResources(): string[] {
  return releaseAll().map((e) => e.message);
}

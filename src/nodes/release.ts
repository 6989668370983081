/**
 * What a worker process calls when its node is done: frees what the node's tensor work left
 * holding the process open (Dawn's GPU device on WebGPU, whose live handle can keep Node from
 * exiting). Imports src/ml lazily, as every node module does. Returns the problems met (best
 * effort: the node's result stands either way).
 */
export async function releaseNodeResources(): Promise<string[]> {
  const { releaseAll } = await import('../ml/release-hooks.js');
  return releaseAll().map((e) => e.message);
}

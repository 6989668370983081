/**
 * `--wasm-threads auto` (the default): how many TF.js WASM threads a worker node gets when it
 * starts. The threaded WASM build speeds one training up only on cores nothing else uses
 * (bench/train-step.ts: a training step 1.3x faster at 2 threads than at 1 on a quiet 2-core
 * machine; no faster when two 1-thread workers already fill the cores), so a node gets its share
 * of the cores among the nodes that can run at that moment: a lone node (model/train in the
 * default pipeline, which everything after it waits for) gets them all, nodes running side by
 * side get 1 each. Only nodes whose type gains from it get more than 1 (a node type's
 * `threadedWasm`: training, gradients, inference on the tfjs engine). The share is fixed when
 * the node's worker starts (a WASM build keeps its thread count for life); nodes that start
 * while a threaded node runs just share cores with it, which costs them little: they would
 * otherwise wait for nothing, and the threaded node slows to about its single-thread speed.
 * Results do not depend on the count: XNNPACK splits each op over output tiles and every output
 * is summed in the same order on any thread, so weights are bitwise the same (see README,
 * "Engines"); the count is never part of a key.
 */

/**
 * At most this many threads. The threaded build parallelises XNNPACK's ops (matmuls,
 * elementwise); TF.js's other WASM kernels and the JavaScript between ops stay on one thread.
 * 1.3x at 2 threads means about 46% of a step runs in parallel, so by Amdahl's law 4 threads
 * give about 1.5x and 8 about 1.7x: past 4, each further thread would buy a few percent while
 * taking a core (XNNPACK's pool spins while it waits) from the nodes that start next.
 */
export const MAX_AUTO_WASM_THREADS = 4;

export interface AutoWasmThreadsInput {
  /** Cores of this machine (os.availableParallelism()). */
  cores: number;
  /** Nodes running or ready to run, this one included. */
  active: number;
  /** The run's -j: no more than this many run at once, however many are ready. */
  jobs: number;
}

/** floor(cores / min(active, jobs)), at least 1, at most MAX_AUTO_WASM_THREADS. */
export function autoWasmThreads(o: AutoWasmThreadsInput): number {
  const sharing = Math.max(1, Math.min(o.active, o.jobs));
  return Math.max(1, Math.min(MAX_AUTO_WASM_THREADS, Math.floor(o.cores / sharing)));
}

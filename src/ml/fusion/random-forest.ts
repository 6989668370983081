/**
 * Regression forest for fusion (docs/method.md): `ml-random-forest`, bootstrap samples, all
 * features at every split, unlimited depth, seeded. Two settings of the library are chosen on
 * purpose:
 * - `replacement: false` with `maxFeatures: 1.0`: every tree sees every feature once (with
 *   replacement the library would draw features with repeats and drop others);
 * - tree `minNumSamples: 1` and `gainThreshold: -1`: ml-cart's regression "gain" is the
 *   children's squared error, so its default threshold of 0 refuses a split that separates the
 *   targets perfectly; -1 lets trees grow until leaves are pure or single rows (sklearn's
 *   defaults: min_samples_split 2, no max_depth).
 * - ml-cart stops a node when its best split's error equals its parent's, and gives the root a
 *   parent error of 0: a root whose best split separates the targets perfectly (any bootstrap
 *   of a two-valued target, e.g. drops of 0 and 1/n, common with quantized accuracies) is never
 *   split and every tree predicts the mean. `patchRootSplit` gives the root no parent error.
 */
import { RandomForestRegression } from 'ml-random-forest';
import { FusionInputError } from './errors.js';

export interface ForestOptions {
  seed: number;
  trees: number;
}

/** A trained ml-cart node as the library leaves it (internal nodes have both children). */
interface TreeNodeLike {
  splitColumn?: number;
  splitValue?: number;
  left?: TreeNodeLike;
  right?: TreeNodeLike;
}

export interface Forest {
  predict(x: ReadonlyArray<readonly number[]>): number[];
  /** Impurity importance per feature (not scaled), see `impurityImportance`. */
  importance: number[];
}

interface TrainableNode {
  train(x: unknown, y: unknown, depth: number, parentGain?: number): void;
}
let rootPatched = false;

/**
 * ml-cart's TreeNode is not exported through ml-random-forest, so its prototype is taken from a
 * one-tree forest and its `train` wrapped once: at depth 0 the parent error becomes NaN, which
 * equals no split error, instead of 0. Deeper nodes keep the library's rule (a node whose parent
 * split was perfect holds equal targets and is never split anyway).
 */
function patchRootSplit(): void {
  if (rootPatched) return;
  const probe = new RandomForestRegression({ seed: 1, nEstimators: 1, maxFeatures: 1.0, replacement: false, noOOB: true });
  probe.train([[0], [1], [2]], [0, 1, 2]);
  const root = (probe.estimators?.[0] as unknown as { root?: object } | undefined)?.root;
  const proto = root ? (Object.getPrototypeOf(root) as TrainableNode) : undefined;
  if (!proto || typeof proto.train !== 'function') throw new Error('ml-random-forest: unexpected tree structure (cannot find the tree node class)');
  const train = proto.train;
  proto.train = function (this: TrainableNode, x: unknown, y: unknown, depth: number, parentGain?: number): void {
    train.call(this, x, y, depth, depth === 0 && parentGain === undefined ? NaN : parentGain);
  };
  rootPatched = true;
}

export function fitForest(x: ReadonlyArray<readonly number[]>, y: readonly number[], opts: ForestOptions): Forest {
  const n = x.length;
  if (n < 2) throw new FusionInputError(`random forest needs at least 2 rows, got ${n}`);
  if (y.length !== n) throw new FusionInputError(`random forest: ${n} feature rows, ${y.length} targets`);
  if (!Number.isInteger(opts.seed) || Math.abs(opts.seed) > 0x7fffffff) throw new FusionInputError(`seed must be a 32-bit integer, got ${opts.seed}`);
  if (!Number.isInteger(opts.trees) || opts.trees < 1) throw new FusionInputError(`trees must be a positive integer, got ${opts.trees}`);
  const k = x[0]?.length ?? 0;
  if (k === 0) throw new FusionInputError('random forest with no features');
  patchRootSplit();
  const rf = new RandomForestRegression({
    seed: opts.seed,
    nEstimators: opts.trees,
    maxFeatures: 1.0,
    replacement: false,
    useSampleBagging: true,
    noOOB: true,
    selectionMethod: 'mean',
    treeOptions: { minNumSamples: 1, maxDepth: Infinity, gainThreshold: -1 },
  });
  const rows = x.map((r) => [...r]);
  rf.train(rows, [...y]);
  const roots = (rf.estimators ?? []).map((e) => (e as unknown as { root: TreeNodeLike }).root);
  const indexes = rf.indexes ?? [];
  return {
    predict: (q) => rf.predict(q.map((r) => [...r])),
    importance: impurityImportance(roots, indexes, rows, [...y], k),
  };
}

function sse(ys: readonly number[]): number {
  if (ys.length === 0) return 0;
  const m = ys.reduce((a, b) => a + b, 0) / ys.length;
  return ys.reduce((s, v) => s + (v - m) * (v - m), 0);
}

/**
 * Mean decrease in impurity per feature, ours because ml-random-forest's `featureImportance`
 * is written for classification: for regression trees its node `gain` is the children's squared
 * error, not a decrease, so its result is not an impurity importance. Here each tree's splits
 * are replayed with the training rows: a split's importance is (SSE(node) - SSE(left) -
 * SSE(right)) / n for the rows reaching it, credited to the feature it splits on, summed over
 * the tree and averaged over trees. It uses all training rows rather than each tree's bootstrap
 * draw, which the library does not keep; the decrease is still never negative.
 */
export function impurityImportance(
  roots: readonly TreeNodeLike[],
  indexes: readonly number[][],
  x: readonly number[][],
  y: readonly number[],
  features: number,
): number[] {
  const imp = new Array<number>(features).fill(0);
  const n = x.length;
  const walk = (node: TreeNodeLike | undefined, rows: number[], cols: readonly number[]): void => {
    if (!node?.left || !node.right || node.splitColumn === undefined || node.splitValue === undefined || rows.length === 0) return;
    const col = cols[node.splitColumn] as number;
    const lesser: number[] = [];
    const greater: number[] = [];
    for (const r of rows) {
      // The library's own rule (TreeNode.classify): strictly less goes left.
      if (((x[r] as number[])[col] as number) < (node.splitValue as number)) lesser.push(r);
      else greater.push(r);
    }
    const ys = (rs: number[]): number[] => rs.map((r) => y[r] as number);
    const gain = sse(ys(rows)) - sse(ys(lesser)) - sse(ys(greater));
    imp[col]! += Math.max(0, gain) / n;
    walk(node.left, lesser, cols);
    walk(node.right, greater, cols);
  };
  const all = x.map((_, i) => i);
  roots.forEach((root, t) => walk(root, all, indexes[t] ?? []));
  return imp.map((v) => v / Math.max(1, roots.length));
}

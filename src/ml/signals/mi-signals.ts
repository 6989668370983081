/**
 * The two information-theoretic signals (docs/method.md): task-relevance-mi (pooled layer output vs
 * label) and flow-relevance-mi (pooled layer input vs pooled layer output), each the mean over
 * hidden units of the MI of equal-width-binned columns.
 */
import { binColumn, mutualInformation } from './binning.js';
import { SignalInputError } from './types.js';

/**
 * Per-example vectors at each depth: `states[0]` after the embeddings, `states[k]` after the
 * k-th kept layer; each row-major [n, hidden].
 */
export interface LayerVectors {
  n: number;
  hidden: number;
  states: Float32Array[];
}

function check(v: LayerVectors, bins: number): void {
  if (!Number.isInteger(bins) || bins < 2) throw new SignalInputError(`bins must be an integer >= 2, got ${bins}`);
  if (v.n < bins) {
    throw new SignalInputError(`the calibration sample has ${v.n} examples, fewer than bins (${bins}): the MI estimate is meaningless`);
  }
  if (v.states.length < 2) throw new SignalInputError('no layer vectors captured');
  for (const [k, s] of v.states.entries()) {
    if (s.length !== v.n * v.hidden) throw new SignalInputError(`vectors at depth ${k} hold ${s.length} values, expected ${v.n}x${v.hidden}`);
  }
}

/** Binned columns of one depth: ids[j*n + e] is the bin of unit j for example e. */
function binAll(state: Float32Array, n: number, hidden: number, bins: number): Int32Array {
  const ids = new Int32Array(n * hidden);
  for (let j = 0; j < hidden; j++) binColumn(state, bins, n, j, hidden, ids.subarray(j * n, (j + 1) * n));
  return ids;
}

/** Number of classes, checking that there are at least two; `where` starts the messages (e.g. `calibration split: `). */
export function classCount(labels: ArrayLike<number>, where = ''): number {
  let max = -1;
  const seen = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0) throw new SignalInputError(`${where}label ${y} at example ${i} is not a class id`);
    seen.add(y);
    if (y > max) max = y;
  }
  if (seen.size < 2) {
    throw new SignalInputError(`${where}the calibration sample has ${seen.size === 0 ? 'no examples' : `one class only (label ${max})`}: task relevance and ablation need at least two`);
  }
  return max + 1;
}

/** task-relevance-mi per kept layer: mean_j MI(bin(p(l)[j]); label). */
export function taskRelevanceMi(v: LayerVectors, labels: ArrayLike<number>, bins: number): number[] {
  check(v, bins);
  if (labels.length !== v.n) throw new SignalInputError(`${labels.length} labels for ${v.n} examples`);
  const classes = classCount(labels);
  const out: number[] = [];
  for (let k = 1; k < v.states.length; k++) {
    const ids = binAll(v.states[k] as Float32Array, v.n, v.hidden, bins);
    let sum = 0;
    for (let j = 0; j < v.hidden; j++) sum += mutualInformation(ids.subarray(j * v.n, (j + 1) * v.n), bins, labels, classes, v.n);
    out.push(sum / v.hidden);
  }
  return out;
}

/** flow-relevance-mi per kept layer: mean_j MI(bin(p_in(l)[j]); bin(p(l)[j])). */
export function flowRelevanceMi(v: LayerVectors, bins: number): number[] {
  check(v, bins);
  const out: number[] = [];
  let prev = binAll(v.states[0] as Float32Array, v.n, v.hidden, bins);
  for (let k = 1; k < v.states.length; k++) {
    const cur = binAll(v.states[k] as Float32Array, v.n, v.hidden, bins);
    let sum = 0;
    for (let j = 0; j < v.hidden; j++) {
      sum += mutualInformation(prev.subarray(j * v.n, (j + 1) * v.n), bins, cur.subarray(j * v.n, (j + 1) * v.n), bins, v.n);
    }
    out.push(sum / v.hidden);
    prev = cur;
  }
  return out;
}

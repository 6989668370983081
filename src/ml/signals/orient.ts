/**
 * Orientation: turn raw scores and a direction into the pruning order and the `keep` score, so
 * that every strategy (and every fusion) can be consumed the same way: lowest `keep` first.
 */
import { SignalInputError, type Direction, type Oriented } from './types.js';

/**
 * Order layers by ascending `keep`; ties go to the lower layer id first (docs/method.md). `layers`
 * defaults to 0..n-1 and names the layer each score belongs to (a pruned model scores only the
 * layers it kept, under their original ids).
 */
export function orderByKeep(keep: readonly number[], layers?: readonly number[]): number[] {
  const ids = layers ?? keep.map((_, i) => i);
  if (ids.length !== keep.length) {
    throw new SignalInputError(`orderByKeep: ${keep.length} scores for ${ids.length} layers`);
  }
  const idx = keep.map((_, i) => i);
  idx.sort((a, b) => {
    const d = (keep[a] as number) - (keep[b] as number);
    return d !== 0 ? d : (ids[a] as number) - (ids[b] as number);
  });
  return idx.map((i) => ids[i] as number);
}

export function orient(scores: readonly number[], direction: Direction, layers?: readonly number[]): Oriented {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new SignalInputError(`score of layer ${layers?.[i] ?? i} is ${scores[i]} (not finite)`);
    }
  }
  // `0 - s` rather than `-s` keeps +0 for a zero score, so JSON output has no `-0`.
  const keep = direction === 'low' ? [...scores] : scores.map((s) => 0 - s);
  return { scores: [...scores], direction, order: orderByKeep(keep, layers), keep };
}

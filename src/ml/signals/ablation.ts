/**
 * Single-layer ablation (docs/method.md "Strategic fusion", target): drop(l) = acc(full) -
 * acc(full without l) for every kept layer, L + 1 evaluations through the caller's (memoized)
 * accuracy function.
 */
import { SignalInputError } from './types.js';

export interface AblationResult {
  /** Kept layers of the model ablated (original ids). */
  layers: number[];
  accuracyFull: number;
  /** accuracies[i]: accuracy without layers[i]. */
  accuracies: number[];
  /** drops[i] = accuracyFull - accuracies[i]. */
  drops: number[];
}

export async function singleLayerAblation(layers: readonly number[], accuracy: (kept: number[]) => Promise<number>): Promise<AblationResult> {
  if (layers.length < 2) throw new SignalInputError(`ablation needs at least 2 layers, the model has ${layers.length}`);
  const accuracyFull = await accuracy([...layers]);
  const accuracies: number[] = [];
  for (const l of layers) accuracies.push(await accuracy(layers.filter((k) => k !== l)));
  return { layers: [...layers], accuracyFull, accuracies, drops: accuracies.map((a) => accuracyFull - a) };
}

/**
 * Layer-removal order as a grid: for each strategy and layer, the step at which the layer is
 * removed (1 = first), and whether the chosen model lacks it. Layers an order never reaches
 * have no step.
 */
import type { CurveManifest } from '../ml/prune/formats.js';

export interface RemovalCell {
  layer: number;
  /** 1-based position in the removal order, or null when the order never removes it. */
  step: number | null;
  /** Removed in the chosen (best-k) model. */
  removedInChosen: boolean;
}

export function removalSteps(curve: Pick<CurveManifest, 'layers' | 'order'> & { best: { k: number } }): RemovalCell[] {
  return curve.layers.map((layer) => {
    const i = curve.order.indexOf(layer);
    const step = i < 0 ? null : i + 1;
    return { layer, step, removedInChosen: step !== null && step <= curve.best.k };
  });
}

/**
 * Helpers for node declarations' static facts and checks (NodeDecl.facts / .check): reading an
 * input's facts, and the layer checks several families share. Cheap on purpose (declarations
 * load for every `validate`): no src/ml beyond type files.
 */
import type { CheckContext, InputFacts, InputFactsMap, StaticFacts } from '../artifacts/node-type.js';

/** The facts of a one-artifact input port (empty when absent or unknown). */
export function factsOf(inputs: InputFactsMap, port: string): StaticFacts {
  const i = inputs[port];
  return i === undefined || Array.isArray(i) ? {} : i.facts;
}

/** The inputs of a `many` port (a single one as a list of one). */
export function listOf(inputs: InputFactsMap, port: string): InputFacts[] {
  const i = inputs[port];
  return i === undefined ? [] : Array.isArray(i) ? i : [i];
}

/** The layer indices an artifact covers, when known: its kept layers, else 0..layers-1. */
export function keptOf(f: StaticFacts): number[] | undefined {
  if (Array.isArray(f.kept)) return [...f.kept];
  return typeof f.layers === 'number' ? Array.from({ length: f.layers }, (_, i) => i) : undefined;
}

/** Facts about the same layers as `f` (a capture, scores, an ablation of that model). */
export function sameLayers(f: StaticFacts): StaticFacts {
  const out: StaticFacts = {};
  if (typeof f.layers === 'number') out.layers = f.layers;
  if (Array.isArray(f.kept)) out.kept = [...f.kept];
  return out;
}

function range(kept: readonly number[]): string {
  const contiguous = kept.every((k, i) => i === 0 || k === (kept[i - 1] as number) + 1);
  return kept.length > 2 && contiguous ? `${kept[0]}-${kept.at(-1)}` : kept.join(', ');
}

/**
 * A `layers` param (kept original indices) must name layers the input model has: `layers: [7]`
 * on a model trained with 2 layers fails here, not after training.
 */
export function checkLayerParam(ctx: CheckContext<{ layers?: readonly number[] }>, port = 'model'): void {
  const layers = ctx.params.layers;
  const input = ctx.inputs[port];
  if (!layers || input === undefined || Array.isArray(input)) return;
  const kept = keptOf(input.facts);
  if (!kept) return;
  const what = Array.isArray(input.facts.kept) ? `kept layers ${range(kept)}` : `${kept.length} layer${kept.length === 1 ? '' : 's'} (${range(kept)})`;
  layers.forEach((l, i) => {
    if (!kept.includes(l)) ctx.error(`layer ${l} is not in the model: \`${input.node}\` gives a model with ${what}`, `layers.${i}`);
  });
}

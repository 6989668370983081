/**
 * Which row a curve is in every table and figure, the row's family, the canonical row order
 * (fusions, then the twelve signals in docs/method.md's order, then baselines) and a fixed style per
 * strategy, so one strategy has the same colour and stroke in every figure of every report.
 */
import type { CurveKind } from '../ml/prune/formats.js';
import { SIGNAL_NAMES } from '../ml/signals/types.js';

export type Family = 'fusion' | 'signal' | 'baseline' | 'other';

export const FUSION_STRATEGIES = ['random-forest', 'linear-regression', 'weighted-sum', 'rank-mean'] as const;
export const BASELINE_STRATEGIES = ['random', 'top-down', 'bottom-up', 'ablation', 'greedy'] as const;

export interface Row {
  /** The label tables and legends show; unique within a report. */
  id: string;
  strategy: string;
  /** The strategy without its schedule prefix (`iterative-random-forest` -> `random-forest`): its family and colour. */
  base: string;
  kind: CurveKind;
  family: Family;
}

export function familyOf(strategy: string): Family {
  if ((FUSION_STRATEGIES as readonly string[]).includes(strategy)) return 'fusion';
  if ((SIGNAL_NAMES as readonly string[]).includes(strategy)) return 'signal';
  if ((BASELINE_STRATEGIES as readonly string[]).includes(strategy)) return 'baseline';
  return 'other';
}

/** prune/iterative names its strategy `iterative-<fusion>` unless told otherwise. */
export function baseStrategy(strategy: string, kind: CurveKind): string {
  return kind !== 'sequential' && strategy.startsWith(`${kind}-`) ? strategy.slice(kind.length + 1) : strategy;
}

/**
 * Label of a curve's row: the strategy, with the schedule when it is not the paper's one-shot
 * order and the name does not already say it (an iterative random-forest and a sequential one
 * are different rows).
 */
export function rowId(strategy: string, kind: CurveKind): string {
  if (kind === 'sequential' || strategy === kind || baseStrategy(strategy, kind) !== strategy) return strategy;
  return `${strategy} (${kind})`;
}

export function makeRow(strategy: string, kind: CurveKind): Row {
  const base = baseStrategy(strategy, kind);
  return { id: rowId(strategy, kind), strategy, base, kind, family: familyOf(base) };
}

const FAMILY_ORDER: Family[] = ['fusion', 'signal', 'baseline', 'other'];
const WITHIN: Record<Family, readonly string[]> = { fusion: FUSION_STRATEGIES, signal: SIGNAL_NAMES, baseline: BASELINE_STRATEGIES, other: [] };
const KIND_ORDER: CurveKind[] = ['sequential', 'iterative', 'greedy'];

/** Canonical order: family, then the family's listed order (others by name), then schedule. */
export function compareRows(a: Row, b: Row): number {
  const f = FAMILY_ORDER.indexOf(a.family) - FAMILY_ORDER.indexOf(b.family);
  if (f !== 0) return f;
  const list = WITHIN[a.family];
  const ia = list.indexOf(a.base);
  const ib = list.indexOf(b.base);
  if (ia !== ib) return ia === -1 ? 1 : ib === -1 ? -1 : ia - ib;
  if (a.base !== b.base) return a.base < b.base ? -1 : 1;
  const k = KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
  return k !== 0 ? k : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Colours by family: fusions strong red/blue, each signal family one hue in shades (activations
 * orange, mutual information green, gradients teal, weights gold-brown, attention purple),
 * baselines greys and browns. Hand-picked from Tableau 20 and its neighbours because a scheme
 * applied in row order would give the same strategy a different colour whenever the set of
 * strategies changes.
 */
const COLORS: Record<string, string> = {
  'random-forest': '#d62728',
  'linear-regression': '#1f5fa8',
  'weighted-sum': '#17365f',
  'rank-mean': '#7fb2e5',
  'activation-intensity': '#f58518',
  'activation-energy': '#ffb55a',
  'activation-inhibition': '#a84d00',
  'task-relevance-mi': '#2ca02c',
  'flow-relevance-mi': '#98d98a',
  'gradient-magnitudes': '#2a9d8f',
  'gradient-fisher': '#86cfc4',
  'weight-norm': '#b79a20',
  'weight-sparsity': '#e9cf5f',
  'weight-entropy': '#7a5c12',
  'attention-weight': '#9c4f96',
  'attention-entropy': '#d9a6d3',
  random: '#7f7f7f',
  'top-down': '#262626',
  'bottom-up': '#b5b5b5',
  ablation: '#9e765f',
  greedy: '#e377c2',
};

/** For strategies outside the known list, in order of appearance. */
const SPARE = ['#17becf', '#bcbd22', '#8c564b', '#ff9896', '#c5b0d5', '#c49c94', '#dbdb8d', '#9edae5', '#393b79', '#637939'];

export interface RowStyle {
  color: string;
  /** SVG dash pattern: solid for signals and fusions, dotted baselines, dashed non-sequential schedules. */
  dash: number[];
  /** Line width in curves: fusions drawn heavier. */
  width: number;
}

export function rowStyles(rows: readonly Row[]): Map<string, RowStyle> {
  const out = new Map<string, RowStyle>();
  let spare = 0;
  const otherColors = new Map<string, string>();
  for (const r of rows) {
    let color = COLORS[r.base];
    if (color === undefined) {
      color = otherColors.get(r.base) ?? (SPARE[spare++ % SPARE.length] as string);
      otherColors.set(r.base, color);
    }
    const dash = r.kind !== 'sequential' && r.strategy !== r.kind ? [6, 3] : r.family === 'baseline' ? [2, 2] : [1, 0];
    // The random forest widest: where the linear fusion's line covers it, a red rim stays visible.
    const width = r.base === 'random-forest' ? 3.6 : r.family === 'fusion' ? 2.4 : 1.6;
    out.set(r.id, { color, dash, width });
  }
  return out;
}

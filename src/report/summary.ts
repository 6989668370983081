/**
 * The few lines a run prints when it ends: the best strategy per dataset (ties listed
 * together) against the unpruned model, and what n allows statistically.
 */
import type { Analysis, Cell } from './analysis.js';
import type { Comparisons } from './comparisons.js';

export interface Best {
  dataset: string;
  /** Every strategy with the top accuracy (ties). */
  strategies: string[];
  accuracy: number;
  unpruned: number;
  /** % change against the unpruned model. */
  change: number;
  /** Layers removed by the first of the tied strategies' chosen models. */
  removed: number;
  layers: number;
}

export function bestPerDataset(a: Analysis): Best[] {
  return a.datasets.map((d) => {
    const cells = a.rows.flatMap((r) => {
      const c = a.cells.get(r.id)?.get(d.name);
      return c ? [c] : [];
    });
    const top = Math.max(...cells.map((c) => c.accuracy));
    const best = cells.filter((c) => c.accuracy === top);
    const first = best[0] as Cell;
    return { dataset: d.name, strategies: best.map((c) => c.row), accuracy: top, unpruned: d.unpruned.accuracy, change: first.change, removed: first.k, layers: d.unpruned.layers.length };
  });
}

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
const signed = (v: number): string => `${v >= 0 ? '+' : '-'}${Math.abs(v).toFixed(2)}%`;

export function summaryLines(a: Analysis, c: Comparisons): string[] {
  const best = bestPerDataset(a);
  const width = Math.max(...best.map((b) => b.dataset.length));
  const how = a.selectOn.length === 1 ? `k chosen on ${a.selectOn[0]}` : `k chosen on ${a.selectOn.join('/')}`;
  const lines = [`best strategy per dataset (test accuracy of the chosen model, ${how}):`];
  for (const b of best) {
    const who = b.strategies.length > 4 ? `${b.strategies.slice(0, 4).join(', ')} and ${b.strategies.length - 4} more (tied)` : b.strategies.join(', ') + (b.strategies.length > 1 ? ' (tied)' : '');
    lines.push(`  ${b.dataset.padEnd(width)}  ${who} ${pct(b.accuracy)} (unpruned ${pct(b.unpruned)}, ${signed(b.change)}, ${b.removed} of ${b.layers} layers removed)`);
  }
  lines.push(c.note);
  return lines;
}

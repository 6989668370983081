/**
 * Shared look of every figure: one font, readable sizes, light grids, left-aligned titles with
 * a subtitle saying how to read the figure, and the strategy scales that keep one colour,
 * dash and width per strategy across figures.
 */
import type { Config } from 'vega-lite';
import type { Analysis } from '../analysis.js';
import { FONT_STACK } from './fonts.js';

export const config: Config = {
  font: FONT_STACK,
  background: 'white',
  padding: 12,
  title: { fontSize: 15, fontWeight: 'bold', anchor: 'start', offset: 12, subtitleFontSize: 11.5, subtitleColor: '#555', subtitlePadding: 4 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#333', gridColor: '#ebebeb', domainColor: '#888', tickColor: '#888', titlePadding: 8 },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#333', rowPadding: 3, symbolStrokeWidth: 2.5 },
  header: { labelFontSize: 13, labelFontWeight: 'bold', labelColor: '#222', titleFontSize: 12 },
  view: { stroke: '#d6d6d6' },
  range: { category: { scheme: 'tableau10' } },
};

/** Colours of the non-strategy series (unpruned, distilled, control, pruned). */
export const STAGE_COLORS: Record<string, string> = {
  unpruned: '#4d4d4d',
  pruned: '#d62728',
  control: '#7fb7dd',
  distilled: '#08589e',
};

/** Colour scale of the strategy rows (plus extra labels such as `unpruned`), the same in every figure. */
export function strategyScale(a: Analysis, extra: Array<[string, string]> = [], only?: readonly string[]): { domain: string[]; range: string[] } {
  const rows = a.rows.filter((r) => !only || only.includes(r.id));
  return {
    domain: [...rows.map((r) => r.id), ...extra.map(([id]) => id)],
    range: [...rows.map((r) => a.styles.get(r.id)?.color ?? '#888'), ...extra.map(([, c]) => c)],
  };
}

export function dashScale(a: Analysis): { domain: string[]; range: number[][] } {
  return { domain: a.rows.map((r) => r.id), range: a.rows.map((r) => a.styles.get(r.id)?.dash ?? [1, 0]) };
}

export function widthScale(a: Analysis): { domain: string[]; range: number[] } {
  return { domain: a.rows.map((r) => r.id), range: a.rows.map((r) => a.styles.get(r.id)?.width ?? 1.5) };
}

/** Pixels per row of a chart with one band per strategy. */
export const ROW_STEP = 19;

/** Percent with two decimals for tooltips and labels. */
export const PCT = '.2f';

/**
 * Per-strategy charts, one band per strategy sorted best first, the mean across datasets as
 * a bar in the strategy's colour and each dataset as a dot: mean rank, % change against the
 * unpruned model (with standard-error bars), accuracy-to-size ratio (with standard-error bars,
 * beside the unpruned and distilled models).
 */
import type { TopLevelSpec } from 'vega-lite';
import { rowCells, rowsByMeanRank, type Analysis } from '../analysis.js';
import type { DistillationRow } from '../distillation.js';
import { mean, standardError } from '../stats.js';
import type { Figure } from './figure.js';
import { config, ROW_STEP, STAGE_COLORS, strategyScale } from './theme.js';

interface Bar {
  strategy: string;
  mean: number;
  se: number | null;
  n: number;
}

interface Dot {
  strategy: string;
  dataset: string;
  value: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Band padding of the strategy axis, and the band's height in pixels. */
const PADDING = 0.22;
const BAND = ROW_STEP * (1 - PADDING);

/** Dataset dots: one shape per dataset, dark grey, spread across the band so that equal values stay visible. */
function dotLayer(a: Analysis, field: string) {
  return {
    transform: [{ filter: "datum.kind === 'dot'" }],
    mark: { type: 'point', filled: true, size: 42, opacity: 0.85, stroke: 'white', strokeWidth: 0.6 },
    encoding: {
      yOffset: { field: 'dataset', type: 'nominal', sort: a.datasets.map((d) => d.name), scale: { type: 'point', range: [BAND * 0.2, BAND * 0.8] } },
      x: { field, type: 'quantitative' },
      shape: { field: 'dataset', type: 'nominal', title: 'Dataset', sort: a.datasets.map((d) => d.name), scale: { range: ['circle', 'square', 'triangle-up', 'diamond', 'triangle-down', 'cross', 'triangle-left', 'triangle-right', 'wedge'] } },
      color: { value: '#2b2b2b' },
      tooltip: [{ field: 'strategy' }, { field: 'dataset' }, { field, format: '.2f' }],
    },
  };
}

function barChart(opts: {
  a: Analysis;
  id: string;
  title: string;
  subtitle: string;
  caption: string;
  xTitle: string;
  bars: Bar[];
  dots: Dot[];
  extraColors?: Array<[string, string]>;
  zeroRule?: boolean;
  reverse?: boolean;
  domain?: [number, number];
  /** `point`: the mean as a large diamond on an axis that need not include 0 (for values far from 0). */
  style?: 'bar' | 'point';
  /** A dashed reference line with its label (e.g. the unpruned model's mean). */
  reference?: { value: number; label: string };
}): Figure {
  const { a, bars, dots } = opts;
  const order = bars.map((b) => b.strategy);
  const values = [
    ...bars.map((b) => ({ kind: 'bar', strategy: b.strategy, value: b.mean, lo: b.se === null ? null : b.mean - b.se, hi: b.se === null ? null : b.mean + b.se, n: b.n })),
    ...dots.map((d) => ({ kind: 'dot', strategy: d.strategy, dataset: d.dataset, value: d.value })),
  ];
  const y = { field: 'strategy', type: 'nominal' as const, sort: order, title: null, axis: { labelLimit: 260, labelPadding: 6 }, scale: { type: 'band', paddingInner: PADDING, paddingOuter: PADDING / 2 } };
  const point = opts.style === 'point';
  const xScale = { ...(opts.domain ? { domain: opts.domain } : {}), ...(opts.reverse ? { reverse: true } : {}), zero: !point, nice: true };
  const span = { y: { value: 0 }, y2: { value: ROW_STEP * order.length } };
  const meanLayer = {
    transform: [{ filter: "datum.kind === 'bar'" }],
    mark: point ? { type: 'point', shape: 'diamond', filled: true, size: 170, opacity: 1, stroke: '#111', strokeWidth: 0.8 } : { type: 'bar', opacity: 0.9 },
    encoding: {
      x: { field: 'value', type: 'quantitative', title: opts.xTitle, scale: xScale },
      ...(point ? { y: { ...y, bandPosition: 0.5 } } : {}),
      color: { field: 'strategy', type: 'nominal', scale: strategyScale(opts.a, opts.extraColors ?? []), legend: null },
      tooltip: [{ field: 'strategy' }, { field: 'value', title: 'mean', format: '.2f' }, { field: 'lo', title: 'mean − SE', format: '.2f' }, { field: 'hi', title: 'mean + SE', format: '.2f' }, { field: 'n', title: 'datasets' }],
    },
  };
  // Without standard errors (one dataset, or ranks) the error layers would have no data at all.
  const errorLayers = !bars.some((b) => b.se !== null) ? [] : [
    {
      transform: [{ filter: "datum.kind === 'bar' && isValid(datum.lo)" }],
      mark: { type: 'rule', color: '#111', strokeWidth: 1.3 },
      encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' }, y: { ...y, bandPosition: 0.5 } },
    },
    {
      transform: [{ filter: "datum.kind === 'bar' && isValid(datum.lo)" }, { fold: ['lo', 'hi'], as: ['end', 'at'] }],
      mark: { type: 'tick', color: '#111', thickness: 1.3, size: 8 },
      encoding: { x: { field: 'at', type: 'quantitative' }, y: { ...y, bandPosition: 0.5 } },
    },
  ];
  const referenceLayers = opts.reference
    ? [
        { data: { values: [opts.reference] }, mark: { type: 'rule', color: '#4d4d4d', strokeDash: [6, 4], strokeWidth: 1.3 }, encoding: { x: { field: 'value', type: 'quantitative' }, ...span } },
        {
          data: { values: [opts.reference] },
          mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -2, fontSize: 11, color: '#4d4d4d' },
          encoding: { x: { field: 'value', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
        },
      ]
    : [];
  const zeroLayers = opts.zeroRule ? [{ data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#555', strokeWidth: 1 }, encoding: { x: { field: 'zero', type: 'quantitative' }, ...span } }] : [];
  const spec = {
    $schema: SCHEMA,
    title: { text: opts.title, subtitle: opts.subtitle },
    data: { values },
    width: 420,
    height: { step: ROW_STEP, for: 'position' },
    encoding: { y },
    // Bars under everything; a point-style mean on top of the dataset dots.
    layer: [...(point ? [] : [meanLayer]), ...errorLayers, dotLayer(a, 'value'), ...(point ? [meanLayer] : []), ...referenceLayers, ...zeroLayers],
    config,
  } as unknown as TopLevelSpec;
  return { id: opts.id, title: opts.title, caption: opts.caption, spec };
}

function seNote(a: Analysis): string {
  return a.datasets.length >= 2 ? 'bars: mean ± standard error across datasets' : 'bars: the one dataset (no standard error with n = 1)';
}

export function meanRankFigure(a: Analysis): Figure {
  const rows = rowsByMeanRank(a);
  return barChart({
    a,
    id: 'mean-rank',
    title: 'Mean rank per strategy',
    subtitle: `Rank by the chosen model's test accuracy on each dataset (1 = best, ties averaged); bar: mean rank; dots: datasets`,
    caption: 'Mean rank of each strategy across datasets (bar) with its rank on each dataset (dots); best first.',
    xTitle: 'Rank (1 = best)',
    bars: rows.map((r) => ({ strategy: r.id, mean: a.meanRank.get(r.id) as number, se: null, n: rowCells(a, r.id).length })),
    dots: rows.flatMap((r) => rowCells(a, r.id).map((c) => ({ strategy: r.id, dataset: c.dataset, value: c.rank }))),
    domain: [0, a.rows.length],
  });
}

export function changeFigure(a: Analysis): Figure {
  const bars = a.rows
    .map((r) => {
      const v = rowCells(a, r.id).map((c) => c.change);
      return { strategy: r.id, mean: mean(v), se: standardError(v), n: v.length };
    })
    .sort((x, y) => y.mean - x.mean);
  return barChart({
    a,
    id: 'change',
    title: '% change of max accuracy against the unpruned model',
    subtitle: `100 × (chosen model − unpruned) / unpruned; ${seNote(a)}; dots: datasets`,
    caption: 'Percent change of each strategy’s chosen model against the unpruned model: mean across datasets with standard-error bars, and each dataset as a dot.',
    xTitle: '% change of test accuracy',
    bars,
    dots: a.rows.flatMap((r) => rowCells(a, r.id).map((c) => ({ strategy: r.id, dataset: c.dataset, value: c.change }))),
    zeroRule: true,
  });
}

export function ratioFigure(a: Analysis, distillations: readonly DistillationRow[]): Figure {
  const bars: Bar[] = [];
  const dots: Dot[] = [];
  const add = (strategy: string, items: Array<{ dataset: string; value: number }>): void => {
    if (items.length === 0) return;
    const v = items.map((i) => i.value);
    bars.push({ strategy, mean: mean(v), se: standardError(v), n: v.length });
    dots.push(...items.map((i) => ({ strategy, dataset: i.dataset, value: i.value })));
  };
  add('unpruned', a.datasets.map((d) => ({ dataset: d.name, value: d.unpruned.ratio })));
  for (const r of a.rows) add(r.id, rowCells(a, r.id).map((c) => ({ dataset: c.dataset, value: c.ratio })));
  const students = [...new Set(distillations.map((d) => d.strategy))];
  for (const s of students) add(`distilled (${s})`, distillations.filter((d) => d.strategy === s).map((d) => ({ dataset: d.dataset, value: d.distilled.ratio })));
  bars.sort((x, y) => y.mean - x.mean);
  const extra: Array<[string, string]> = [['unpruned', STAGE_COLORS.unpruned as string], ...students.map((s): [string, string] => [`distilled (${s})`, STAGE_COLORS.distilled as string])];
  return barChart({
    a,
    id: 'size-ratio',
    title: 'Accuracy-to-size ratio per strategy',
    subtitle: `Test accuracy per GB of float32 weights; diamond: mean${a.datasets.length >= 2 ? ' ± standard error' : ''} across datasets; dots: datasets`,
    caption: 'Accuracy-to-size ratio of each strategy’s chosen model, of the unpruned model and of the distilled models: mean across datasets with standard-error bars, each dataset as a dot.',
    xTitle: 'Accuracy / GB (accuracy as a fraction, GB = 4 bytes × parameters / 1e9)',
    bars,
    dots,
    extraColors: extra,
    style: 'point',
  });
}

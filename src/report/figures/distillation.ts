/**
 * Figure: unpruned vs pruned vs distilled per dataset, as a dot plot on a shared accuracy axis
 * (bars from 0 would hide differences of a point or two). With the control, the gap between
 * control and distilled is the teacher's effect. Without distillations it shows the unpruned
 * model against each dataset's best pruned strategy.
 */
import type { TopLevelSpec } from 'vega-lite';
import { rowCells, type Analysis } from '../analysis.js';
import type { DistillationRow } from '../distillation.js';
import type { Figure } from './figure.js';
import { config, STAGE_COLORS } from './theme.js';

const STAGES = ['unpruned', 'pruned', 'control', 'distilled'] as const;

export function distillationFigure(a: Analysis, rows: readonly DistillationRow[]): Figure {
  const values: Array<Record<string, unknown>> = [];
  let subtitle: string;
  if (rows.length > 0) {
    const many = new Set(rows.map((r) => r.dataset)).size !== rows.length;
    for (const r of rows) {
      const group = many ? `${r.dataset} · ${r.strategy}` : r.dataset;
      const put = (stage: string, acc: number, detail: string): void => {
        values.push({ group, stage, accuracy: 100 * acc, detail });
      };
      put('unpruned', r.teacher.accuracy, `${r.teacher.layers} layers`);
      put('pruned', r.student.accuracy, `${r.strategy}, ${r.student.layers} layers, before training`);
      if (r.control) put('control', r.control.accuracy, 'hard labels only, same steps');
      put('distilled', r.distilled.accuracy, `T = ${r.manifest.params.temperature}, alpha = ${r.manifest.params.alpha}`);
    }
    const students = [...new Set(rows.map((r) => r.strategy))];
    subtitle = `Pruned: the ${students.join(' / ')} student before training; control: the same student trained as long on hard labels; distilled − control = the teacher's effect`;
  } else {
    for (const d of a.datasets) {
      values.push({ group: d.name, stage: 'unpruned', accuracy: 100 * d.unpruned.accuracy, detail: `${d.unpruned.layers.length} layers` });
      const best = a.rows.flatMap((r) => rowCells(a, r.id).filter((c) => c.dataset === d.name)).sort((x, y) => y.accuracy - x.accuracy)[0];
      if (best) values.push({ group: d.name, stage: 'pruned', accuracy: 100 * best.accuracy, detail: `${best.row}, ${best.kept.length} layers` });
    }
    subtitle = 'No distillation results were given: the unpruned model against each dataset’s best pruned strategy';
  }
  const groups = [...new Set(values.map((v) => v.group as string))];
  const present = STAGES.filter((s) => values.some((v) => v.stage === s));
  const x = { field: 'stage', type: 'ordinal' as const, sort: present, title: null, axis: { labelAngle: 0, labelFontSize: 11.5, labelPadding: 6 }, scale: { padding: 0.6 } };
  const y = { field: 'accuracy', type: 'quantitative' as const, title: 'Test accuracy (%)', scale: { zero: false, nice: true, padding: 14 } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Unpruned vs pruned vs distilled', subtitle },
    data: { values },
    facet: { field: 'group', type: 'nominal', sort: groups, title: null },
    columns: Math.min(3, groups.length),
    resolve: { scale: { y: 'independent' }, axis: { x: 'independent' } },
    spec: {
      width: 60 * present.length + 40,
      height: 190,
      layer: [
        {
          transform: [{ filter: "datum.stage === 'unpruned'" }],
          mark: { type: 'rule', strokeDash: [6, 4], color: '#9a9a9a', strokeWidth: 1.2 },
          encoding: { y },
        },
        { mark: { type: 'line', color: '#bdbdbd', strokeWidth: 1.5 }, encoding: { x, y } },
        {
          mark: { type: 'point', filled: true, size: 150, opacity: 1, stroke: 'white', strokeWidth: 1 },
          encoding: {
            x,
            y,
            color: { field: 'stage', type: 'nominal', title: 'Model', sort: present, scale: { domain: present, range: present.map((st) => STAGE_COLORS[st] as string) } },
            shape: { field: 'stage', type: 'nominal', sort: present, scale: { domain: present, range: present.map((st) => ({ unpruned: 'square', pruned: 'circle', control: 'triangle-up', distilled: 'diamond' })[st]) } },
            tooltip: [{ field: 'group', title: 'dataset' }, { field: 'stage', title: 'model' }, { field: 'accuracy', format: '.2f' }, { field: 'detail' }],
          },
        },
        {
          mark: { type: 'text', dy: -14, fontSize: 10.5, color: '#333' },
          encoding: { x, y, text: { field: 'accuracy', type: 'quantitative', format: '.2f' } },
        },
      ],
    },
    config,
  } as unknown as TopLevelSpec;
  return {
    id: 'distillation',
    title: 'Unpruned vs pruned vs distilled',
    caption: 'Test accuracy per dataset of the unpruned model, the pruned student, its hard-label control and the distilled student.',
    spec,
  };
}

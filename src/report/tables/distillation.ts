/**
 * The distillation control: teacher (unpruned), student before training, distilled student and
 * the same student trained as long on hard labels alone. The two effect columns split the
 * distilled model's gain into the teacher's part and more training's part.
 */
import type { DistillationRow } from '../distillation.js';
import type { Column, Table } from '../table.js';

const columns: Column[] = [
  { key: 'dataset', label: 'Dataset', format: 'text' },
  { key: 'student', label: 'Student', format: 'text', description: "the student's pruning strategy" },
  { key: 'layers', label: 'Layers', format: 'count', description: 'encoder layers of the student' },
  { key: 'unpruned', label: 'Unpruned (%)', format: 'accuracy', description: 'teacher test accuracy (fraction)' },
  { key: 'student_before', label: 'Student before (%)', format: 'accuracy' },
  { key: 'distilled', label: 'Distilled (%)', format: 'accuracy' },
  { key: 'control', label: 'Control (%)', format: 'accuracy', description: 'same student, same steps, hard labels only' },
  { key: 'teacher_effect', label: 'Teacher effect (pp)', format: 'signed', description: 'distilled − control, percentage points' },
  { key: 'training_effect', label: 'Training effect (pp)', format: 'signed', description: 'control − student before, percentage points' },
  { key: 'change_vs_unpruned', label: 'Distilled vs unpruned (%)', format: 'signed', description: '100 × (distilled − unpruned) / unpruned' },
];

const pp = (v: number | null): number | null => (v === null ? null : 100 * v);

export function distillationTable(rows: readonly DistillationRow[]): Table {
  const noControl = rows.some((r) => r.control === null);
  return {
    id: 'distillation',
    title: 'Distillation control: teacher vs more training',
    caption:
      'Test accuracy of the unpruned teacher, the pruned student before training, the student after distillation and the control (the same student trained for the same steps on hard labels alone). Teacher effect = distilled − control; training effect = control − student; both in percentage points.',
    columns,
    rows: rows.map((r) => ({
      values: {
        dataset: r.dataset,
        student: r.strategy,
        layers: r.distilled.layers,
        unpruned: r.teacher.accuracy,
        student_before: r.student.accuracy,
        distilled: r.distilled.accuracy,
        control: r.control?.accuracy ?? null,
        teacher_effect: pp(r.teacherEffect),
        training_effect: pp(r.trainingEffect),
        change_vs_unpruned: r.changeVsUnpruned,
      },
      bold: r.distilled.accuracy > r.teacher.accuracy ? ['distilled'] : [],
    })),
    notes: [
      ...(rows.length === 0 ? ['No distillation results were given (add model/distill nodes and pass their results to the report).'] : []),
      ...(noControl ? ['– in the control columns: that distillation ran without `control: true`, so the teacher’s effect cannot be told from more training.'] : []),
      ...(rows.length > 0 ? ['Distilled accuracy in bold where it beats the unpruned model.'] : []),
    ],
  };
}

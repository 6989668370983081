/**
 * Distillation results per dataset and student: the teacher (unpruned), the pruned student
 * before training, the distilled student and, with `control: true`, the same student trained
 * as long on hard labels alone. distilled - control is the teacher's own effect; control -
 * student is what more training alone gives (most of the gain on a small undertrained model).
 */
import type { DistillationManifest, DistilledModelScore } from '../ml/prune/formats.js';
import { percentChange } from './analysis.js';
import { accuracyToSize, sizeMB } from './size.js';

export interface ModelSize {
  accuracy: number;
  parameters: number;
  mb: number;
  ratio: number;
  layers: number;
}

export interface DistillationRow {
  dataset: string;
  /** The student's strategy, or `student` when it did not come from a curve. */
  strategy: string;
  teacher: ModelSize;
  student: ModelSize;
  distilled: ModelSize;
  control: ModelSize | null;
  /** distilled - control (accuracy points, as fractions): the teacher's effect. */
  teacherEffect: number | null;
  /** control - student: the effect of more training alone. */
  trainingEffect: number | null;
  /** 100 * (distilled - teacher) / teacher. */
  changeVsUnpruned: number;
  ratioChangePct: number;
  manifest: DistillationManifest;
}

function size(m: DistilledModelScore): ModelSize {
  return { accuracy: m.test.accuracy, parameters: m.parameters, mb: sizeMB(m.parameters), ratio: accuracyToSize(m.test.accuracy, m.parameters), layers: m.layers.length };
}

export function distillationRows(list: readonly DistillationManifest[], datasetOrder: readonly string[]): DistillationRow[] {
  const rows = list.map((d): DistillationRow => {
    const teacher = size(d.teacher);
    const distilled = size(d.distilled);
    const control = d.control ? size(d.control) : null;
    const student = size(d.student);
    return {
      dataset: d.dataset,
      strategy: d.strategy ?? 'student',
      teacher,
      student,
      distilled,
      control,
      teacherEffect: control ? distilled.accuracy - control.accuracy : null,
      trainingEffect: control ? control.accuracy - student.accuracy : null,
      changeVsUnpruned: percentChange(distilled.accuracy, teacher.accuracy),
      ratioChangePct: percentChange(distilled.ratio, teacher.ratio),
      manifest: d,
    };
  });
  const pos = (name: string): number => {
    const i = datasetOrder.indexOf(name);
    return i < 0 ? datasetOrder.length : i;
  };
  return rows.sort((a, b) => pos(a.dataset) - pos(b.dataset) || (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : 0) || (a.strategy < b.strategy ? -1 : a.strategy > b.strategy ? 1 : 0));
}

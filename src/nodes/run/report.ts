/**
 * Run body of `report/paper`: read the artifacts as report inputs, build the report in the
 * node's temporary directory, store every file. Fusions carry no dataset name, so each takes
 * the dataset of the curves whose order it produced (a curve's `source`); with one dataset,
 * every fusion belongs to it.
 */
import { join } from 'node:path';
import { InputError, NodeError } from '../../artifacts/errors.js';
import type { Artifact, FilesManifest } from '../../artifacts/types.js';
import { asCurveManifest, asDistillationManifest, type CurveManifest } from '../../ml/prune/formats.js';
import { asScoresManifest } from '../../ml/signals/scores-manifest.js';
import { buildReport, type EvaluationInput, type FusionInput } from '../../report/index.js';
import { implement } from '../family.js';
import { paperNode } from '../report.js';
// Type only: the evaluation module itself loads the tensor library.
import type { Evaluation } from './eval-memo.js';

const EVALUATION_FORMAT: Evaluation['format'] = 'layerfuse/evaluation@1';

function formatOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { format?: unknown }).format : undefined;
}

function asEvaluation(value: unknown, what: string): Evaluation {
  if (formatOf(value) !== EVALUATION_FORMAT) throw new InputError(`${what}: not a ${EVALUATION_FORMAT} manifest`);
  return value as Evaluation;
}

function fusionInputs(nodeId: string, arts: readonly Artifact[], curves: readonly CurveManifest[], what: (a: Artifact) => string): FusionInput[] {
  const datasets = [...new Set(curves.map((c) => c.dataset))];
  return arts.map((a) => {
    const scores = asScoresManifest(a.manifest, what(a));
    const own = [...new Set(curves.filter((c) => c.source === a.from.node).map((c) => c.dataset))];
    const dataset = own.length === 1 ? own[0] : datasets.length === 1 ? datasets[0] : undefined;
    if (dataset === undefined) {
      throw new NodeError(
        own.length > 1
          ? `${nodeId}: ${what(a)} is the order of curves on several datasets (${own.join(', ')}); give each dataset its own fusion`
          : `${nodeId}: ${what(a)} is not the order of any curve, so its dataset is unknown (the curves cover ${datasets.join(', ')}); pass the fusions whose orders the curves use`,
      );
    }
    return { dataset, source: a.from.node, scores };
  });
}

export default [
  implement(paperNode, async (ctx, _p, inputs) => {
    const curveArts = inputs.many('curves');
    if (curveArts.length === 0) throw new NodeError(`${ctx.nodeId}: no curves (with: curves: \${curve.*})`);
    // The readers check the kind of manifest; the report checks every field, naming the curve.
    const curves = inputs.many('curves', asCurveManifest);
    const distillations = inputs.many('distillations', asDistillationManifest);
    const fusions = fusionInputs(ctx.nodeId, inputs.many('fusions'), curves, (a) => inputs.what('fusions', a));
    const evaluations = inputs.many('evaluations').map((a): EvaluationInput => {
      const e = asEvaluation(a.manifest, inputs.what('evaluations', a));
      return { source: a.from.node, split: e.split, layers: e.layers, accuracy: e.accuracy, macro_f1: e.macroF1, examples: e.numExamples, backend: e.backend };
    });
    // What the report was built from: each input artifact's content digest (this node's key covers exactly these).
    const keys: Record<string, string> = {};
    for (const port of ['curves', 'distillations', 'fusions', 'evaluations']) for (const a of inputs.many(port)) keys[`${a.from.node}.${a.from.port}`] = a.digest;
    const pipeline = ctx.pipeline ?? { name: ctx.nodeId, params: {} };

    const dir = join(ctx.tmpDir, 'report');
    const files = await buildReport({ pipeline: { name: pipeline.name, params: pipeline.params, keys }, curves, distillations, fusions, evaluations }, dir);
    // Warnings also go to the run summary (and repeat when the report is cached).
    for (const w of files.warnings) ctx.warn(w);
    for (const l of files.summary) ctx.log(l);

    const paths = [files.html, files.json, ...Object.values(files.tables).flatMap((t) => [t.csv, t.json, t.md]), ...Object.values(files.figures).flatMap((f) => [f.svg, f.png, f.spec])];
    const report: FilesManifest = { files: {}, main: files.html, summary: files.summary };
    for (const rel of paths) report.files[rel] = await ctx.putFile(join(dir, rel));
    return { report };
  }),
];

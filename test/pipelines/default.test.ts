/**
 * The README's main job, end to end through the CLI: pipelines/default.yaml exactly as shipped,
 * shrunk through --set to a few hundred mails and a 3-layer model so that CI runs the whole
 * method (data from npm, tokenizer, training, capture, the twelve signals, baselines, ablation,
 * both fusions, every curve, greedy, distillation with its control, the export, the report) in
 * about a minute. A break anywhere in the chain fails here; a second run must execute nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cachedResult, FsCache, loadPipeline, type PipelineGraph } from '../../src/index.js';
import { cli } from '../util/exec-cli.js';
import { repoRoot } from '../util/shared.js';
import { PAPER_SIGNALS } from '../util/signals.js';

const LAYERS = 3;
/** The shipped defaults, shrunk: sizes only, never the chain. */
const SETS = [
  'limit=320',
  'calibration=32',
  'max_length=24',
  'vocab_size=600',
  `layers=${LAYERS}`,
  'hidden=32',
  'heads=2',
  'intermediate=64',
  'epochs=1',
  'trees=10',
  'distill_epochs=1',
];

const SIGNALS: readonly string[] = PAPER_SIGNALS;

interface Point {
  k: number;
  kept: number[];
  test: { accuracy: number };
  validation: { accuracy: number };
}
interface Curve {
  strategy: string;
  dataset: string;
  points: Point[];
  best: { k: number; kept: number[] };
}
interface Scores {
  layers: number[];
  test: { accuracy: number };
}
interface Distillation {
  strategy: string | null;
  teacher: Scores;
  student: Scores;
  distilled: Scores;
  control: Scores | null;
}

async function output(graph: PipelineGraph, cache: FsCache, id: string, port: string): Promise<unknown> {
  const r = await cachedResult(graph, id, cache);
  assert.ok(r?.current, `${id} has a current cached result`);
  const out = (r.record.outputs as Record<string, { manifest?: unknown }>)[port];
  assert.ok(out, `${id} has output ${port}`);
  return out.manifest;
}

void test('pipelines/default.yaml runs end to end at tiny sizes: every curve, greedy and distillation with its control; a rerun runs nothing', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-default-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // The pipeline as shipped, in a folder of its own (a project root): it needs no file beside it.
  await copyFile(join(repoRoot, 'pipelines', 'default.yaml'), join(dir, 'default.yaml'));
  await writeFile(join(dir, '.layerfuse'), '');
  const cacheDir = join(dir, 'cache');
  const args = ['default.yaml', ...SETS.flatMap((s) => ['--set', s]), '--cache-dir', cacheDir];

  const first = await cli(dir, ['run', ...args, '-j', '2']);
  assert.equal(first.code, 0, `run failed:\n${first.stdout}\n${first.stderr}`);

  const loaded = await loadPipeline(join(dir, 'default.yaml'), { sets: SETS });
  assert.ok(loaded.graph);
  const graph = loaded.graph;
  const cache = new FsCache(cacheDir);

  // Every strategy's curve: L points (k = 0..L-1), one kept set fewer each step, a best k >= 1.
  const curveIds = [...SIGNALS.map((s) => `curve.score.${s}`), 'curve.random', 'curve.top-down', 'curve.bottom-up', 'curve.by-ablation', 'curve.linear', 'curve.forest', 'greedy'];
  assert.deepEqual([...graph.nodes.keys()].filter((id) => id.startsWith('curve.') || id === 'greedy').sort(), [...curveIds].sort());
  const curves = new Map<string, Curve>();
  for (const id of curveIds) {
    const c = (await output(graph, cache, id, 'curve')) as Curve;
    curves.set(id, c);
    assert.equal(c.dataset, 'spam-assassin-lists', id);
    assert.deepEqual(c.points.map((p) => p.k), [...Array(LAYERS).keys()], id);
    assert.deepEqual(c.points.map((p) => p.kept.length), [...Array(LAYERS).keys()].map((k) => LAYERS - k), id);
    for (const p of c.points) for (const a of [p.test.accuracy, p.validation.accuracy]) assert.ok(a >= 0 && a <= 1, `${id} k=${p.k}: accuracy ${a}`);
    assert.ok(c.best.k >= 1 && c.best.k < LAYERS, `${id}: best k ${c.best.k}`);
  }
  // One unpruned model under every curve: the same k = 0 accuracy everywhere.
  const unpruned = new Set([...curves.values()].map((c) => c.points[0]!.test.accuracy));
  assert.equal(unpruned.size, 1, `k = 0 accuracies differ: ${[...unpruned].join(', ')}`);
  assert.deepEqual(curves.get('curve.top-down')!.points[1]!.kept, [...Array(LAYERS - 1).keys()], 'top-down removes the last layer first');
  assert.equal(curves.get('curve.forest')!.strategy, 'random-forest');

  // Distillation of the forest's chosen model, with the control.
  const d = (await output(graph, cache, 'distill', 'distillation')) as Distillation;
  assert.equal(d.strategy, 'random-forest');
  assert.deepEqual(d.student.layers, curves.get('curve.forest')!.best.kept);
  assert.deepEqual(d.distilled.layers, d.student.layers);
  assert.equal(d.teacher.layers.length, LAYERS);
  assert.ok(d.control, 'control: true reports the hard-label control');
  assert.deepEqual(d.control.layers, d.student.layers);
  assert.equal(d.teacher.test.accuracy, curves.get('curve.forest')!.points[0]!.test.accuracy, 'the teacher is the unpruned model of the curves');

  // The distilled model, exported for transformers, in the project's results/.
  const exported = join(dir, 'results', 'default', 'export');
  for (const f of ['config.json', 'model.safetensors', 'vocab.txt', 'onnx/model.onnx']) assert.ok(existsSync(join(exported, f)), `results/default/export/${f}`);
  const config = JSON.parse(readFileSync(join(exported, 'config.json'), 'utf8')) as { num_hidden_layers: number };
  assert.equal(config.num_hidden_layers, d.distilled.layers.length);

  // The report: the page, the max-accuracy table with every strategy, the figures; the run's
  // summary names the page.
  const report = join(dir, 'results', 'default', 'report');
  assert.ok(existsSync(join(report, 'report.html')), 'results/default/report/report.html');
  assert.match(first.stdout + first.stderr, /results\/default\/report\/report\.html/);
  const table = readFileSync(join(report, 'tables', 'max-accuracy.md'), 'utf8');
  for (const strategy of [...SIGNALS, 'random', 'top-down', 'bottom-up', 'ablation', 'linear-regression', 'random-forest', 'greedy', 'unpruned']) {
    assert.match(table, new RegExp(`^\\| ${strategy} \\|`, 'm'), `max-accuracy.md has a row for ${strategy}`);
  }
  const reportJson = JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as Record<string, unknown>;
  assert.ok(reportJson, 'report.json parses');
  for (const f of ['accuracy-curves.png', 'distillation.png', 'importances.png']) assert.ok(existsSync(join(report, 'figures', f)), `figures/${f}`);

  // Nothing changed: nothing runs.
  const second = await cli(dir, ['run', ...args]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout + second.stderr, new RegExp(`done: 0 ran, ${graph.nodes.size} cached`));
});

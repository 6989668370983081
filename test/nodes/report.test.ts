/**
 * report/paper in a pipeline: fixture nodes emit curve, distillation, fusion and evaluation
 * artifacts (the small report fixture), the real report node builds the report in a worker
 * subprocess and publishes it; the run summary names its HTML page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeType } from '../../src/artifacts/index.js';
import { summaryText } from '../../src/cli/commands/run.js';
import type { CurveManifest } from '../../src/ml/prune/formats.js';
import { smallInput } from '../report/fixtures/small.js';
import { makeRig, type NodeSpec, type Rig } from '../util/exec-rig.js';

/** A fake node type that outputs `value` on port `out` as an artifact of `port` type. */
function emitter(type: string, port: 'curve' | 'distillation' | 'scores' | 'evaluation', rig: Rig): NodeType<never> {
  const t: NodeType<Record<string, unknown>> = {
    type,
    version: 1,
    description: `emits a ${port} artifact`,
    params: { value: {} },
    inputs: {},
    outputs: { out: { type: port, description: port } },
    async run(ctx, p) {
      rig.counter.hit(ctx.nodeId);
      return { out: p.value };
    },
  };
  return t as unknown as NodeType<never>;
}

function fixtureGraph(rig: Rig, opts: { strayFusion?: boolean } = {}): Record<string, NodeSpec> {
  for (const port of ['curve', 'distillation', 'scores', 'evaluation'] as const) rig.types.set(`fixture/${port}`, emitter(`fixture/${port}`, port, rig));
  const input = smallInput();
  const specs: Record<string, NodeSpec> = {};
  const curveIds: string[] = [];
  for (const c of input.curves) {
    // The random-forest curves' orders come from the fusion nodes below (that is how a fusion finds its dataset).
    const source = c.strategy === 'random-forest' ? `forest-${c.dataset}` : `order-${c.dataset}-${c.strategy}`;
    const id = `curve.${c.dataset}-${c.strategy}`;
    specs[id] = { type: 'fixture/curve', params: { value: { ...c, source } satisfies CurveManifest }, group: 'curve' };
    curveIds.push(id);
  }
  const fusionIds: string[] = [];
  for (const f of input.fusions.filter((x) => x.scores.strategy === 'random-forest')) {
    const id = `forest-${f.dataset}`;
    specs[id] = { type: 'fixture/scores', params: { value: { format: 'layerfuse/scores@1', layers: [0, 1, 2], scores: [0, 0, 0], direction: 'low', order: [0, 1, 2], keep: [0, 0, 0], params: {}, ...f.scores } } };
    fusionIds.push(id);
  }
  if (opts.strayFusion) {
    specs['forest-gamma'] = { type: 'fixture/scores', params: { value: { format: 'layerfuse/scores@1', strategy: 'random-forest', layers: [0, 1, 2], scores: [0, 0, 0], direction: 'low', order: [0, 1, 2], keep: [0, 0, 0], params: {}, importances: {} } } };
    fusionIds.push('forest-gamma');
  }
  specs.distill = { type: 'fixture/distillation', params: { value: input.distillations[0] } };
  specs['eval-base'] = {
    type: 'fixture/evaluation',
    params: { value: { format: 'layerfuse/evaluation@1', split: 'test', layers: [0, 1, 2], backend: 'cpu', labels: ['a', 'b'], numExamples: 200, accuracy: 0.8, macroF1: 0.79, macroPrecision: 0.8, macroRecall: 0.8, perClass: [], confusion: [] } },
  };
  specs.report = {
    type: 'report/paper',
    inputs: {
      curves: curveIds.map((node) => ({ node, port: 'out' })),
      distillations: [{ node: 'distill', port: 'out' }],
      fusions: fusionIds.map((node) => ({ node, port: 'out' })),
      evaluations: [{ node: 'eval-base', port: 'out' }],
    },
  };
  return specs;
}

void test('a pipeline ending in report/paper publishes the report; the summary names its page; params rerun only the report', { timeout: 180_000 }, async () => {
  const rig = await makeRig();
  try {
    const graph = rig.graph(fixtureGraph(rig), 'fixture-run');
    graph.params = { seed: 42, select_on: 'validation' };
    const s = await rig.run(graph);
    const r = s.nodes.get('report');
    assert.equal(r?.status, 'succeeded', r?.message);
    const dir = join(rig.dir, 'results', 'fixture-run', 'report');
    assert.equal(r?.resultsDir, dir);
    assert.equal(r?.resultsMain, join(dir, 'report.html'));
    for (const f of ['report.html', 'report.json', 'tables/max-accuracy.csv', 'tables/evaluations.md', 'figures/accuracy-curves.png', 'figures/heatmap-alpha.svg', 'figures/importances.vl.json']) {
      assert.ok(existsSync(join(dir, f)), f);
    }
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    assert.match(html, /<h1>fixture-run<\/h1>/);
    assert.match(html, /<dt>select_on<\/dt><dd>&quot;validation&quot;<\/dd>/);
    assert.match(html, /<dt>curve\.alpha-random\.out<\/dt><dd>[0-9a-f]{64}<\/dd>/);
    assert.match(html, /<dt>forest-beta\.out<\/dt>/);
    assert.deepEqual(r?.resultsSummary?.[0], 'best strategy per dataset (test accuracy of the chosen model, k chosen on validation):');
    const tty = summaryText(s, 1000, true);
    assert.match(tty, /results:\n {2}\S*fixture-run\/report\/report\.html\n {4}best strategy per dataset/);
    assert.match(tty, / {4} {2}alpha {2}random-forest, weight-entropy \(tied\) 79\.00%/);
    assert.doesNotMatch(summaryText(s, 1000, false), /best strategy per dataset/);

    // Nothing changed: everything cached, the report still published.
    rig.counter.reset();
    const again = await rig.run(graph);
    assert.equal(again.nodes.get('report')?.status, 'cached');
    assert.equal(rig.counter.total(), 0);
    assert.equal(again.nodes.get('report')?.resultsMain, join(dir, 'report.html'));

    // A pipeline param shown in the report changes its key only: the fixture nodes stay cached.
    graph.params = { seed: 7, select_on: 'validation' };
    const changed = await rig.run(graph);
    assert.equal(changed.nodes.get('report')?.status, 'succeeded');
    assert.equal(rig.counter.total(), 0);
    assert.equal(changed.nodes.get('curve.alpha-random')?.key, again.nodes.get('curve.alpha-random')?.key);
    assert.match(await readFile(join(dir, 'report.html'), 'utf8'), /<dt>seed<\/dt><dd>7<\/dd>/);
  } finally {
    await rig.cleanup();
  }
});

void test('report/paper: a fusion that is no curve’s order is an error naming it', { timeout: 120_000 }, async () => {
  const rig = await makeRig();
  try {
    const s = await rig.run(rig.graph(fixtureGraph(rig, { strayFusion: true })), { workerFor: () => false });
    const r = s.nodes.get('report');
    assert.equal(r?.status, 'failed');
    assert.equal(
      r?.message,
      'report: input fusions (from forest-gamma.out) is not the order of any curve, so its dataset is unknown (the curves cover alpha, beta); pass the fusions whose orders the curves use',
    );
  } finally {
    await rig.cleanup();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport, REPORT_FORMAT } from '../../src/report/index.js';
import { DATASETS, realisticInput } from './fixtures/realistic.js';
import { smallInput } from './fixtures/small.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function tmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'layerfuse-report-'));
}

void test('a three-dataset report: every table in three formats, every figure as SVG, PNG and spec, one self-contained page', async () => {
  const dir = await tmp();
  try {
    const files = await buildReport(realisticInput(), dir);
    assert.deepEqual(files.warnings, []);
    assert.deepEqual(Object.keys(files.tables), ['best', 'max-accuracy', 'ranks', 'change', 'size', 'distillation', 'importances', 'importances-by-dataset', 'wilcoxon']);
    assert.deepEqual(Object.keys(files.figures), ['accuracy-curves', 'mean-rank', 'change', 'size-ratio', 'distillation', 'importances', 'heatmap-agnews', 'heatmap-imdb', 'heatmap-sst2']);
    for (const f of Object.values(files.tables)) {
      assert.match(await readFile(join(dir, f.csv), 'utf8'), /^[a-z_]+,/);
      JSON.parse(await readFile(join(dir, f.json), 'utf8'));
      assert.match(await readFile(join(dir, f.md), 'utf8'), /^### /);
    }
    for (const f of Object.values(files.figures)) {
      assert.ok((await readFile(join(dir, f.png))).subarray(0, 8).equals(PNG_MAGIC), f.png);
      assert.match(await readFile(join(dir, f.svg), 'utf8'), /^<svg /);
      assert.equal((JSON.parse(await readFile(join(dir, f.spec), 'utf8')) as { $schema: string }).$schema, 'https://vega.github.io/schema/vega-lite/v5.json');
    }
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    // Self-contained: no scripts, no stylesheets or images from elsewhere, every figure inline.
    assert.doesNotMatch(html, /<script|<link|<iframe/i);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i);
    assert.equal(html.match(/<img src="data:image\/png;base64,/g)?.length, 9);
    for (const id of Object.keys(files.tables)) assert.ok(html.includes(`data-table="${id}"`), id);
    assert.match(html, /best k chosen on <strong>validation<\/strong>/);
    assert.match(html, /n = 3 datasets: the smallest two-sided p an exact Wilcoxon test can give is 2\/2\^3 = 0\.250/);
    assert.match(html, /<dt>curve\.agnews\.weight-entropy\.curve<\/dt><dd>sha256:/);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(json.format, REPORT_FORMAT);
    assert.deepEqual((json.datasets as Array<{ name: string }>).map((d) => d.name), ['agnews', 'imdb', 'sst2']);
    assert.equal((json.statistics as { n: number }).n, 3);
    assert.equal((json.pipeline as { name: string }).name, 'paper-small');
    assert.equal(files.summary[0], 'best strategy per dataset (test accuracy of the chosen model, k chosen on validation):');
    assert.equal(files.summary.length, 5);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('one dataset: the report still builds, and says statistics across datasets do not apply', async () => {
  const a = await tmp();
  const b = await tmp();
  try {
    const input = realisticInput(DATASETS.slice(0, 1));
    const files = await buildReport(input, a);
    assert.deepEqual(files.warnings, []);
    const json = JSON.parse(await readFile(join(a, 'report.json'), 'utf8')) as { statistics: { applicable: boolean; tests: unknown[]; note: string } };
    assert.equal(json.statistics.applicable, false);
    assert.deepEqual(json.statistics.tests, []);
    const html = await readFile(join(a, 'report.html'), 'utf8');
    assert.match(html, /n = 1 dataset: tests across datasets are not applicable/);
    assert.match(html, /Not applicable: statistics across datasets need at least two datasets\./);
    assert.match(files.summary.at(-1) ?? '', /not applicable/);
    // Deterministic: the same input writes the same bytes (the report node's output caches).
    await buildReport(input, b);
    for (const f of ['report.html', 'report.json', 'figures/accuracy-curves.png', 'figures/heatmap-agnews.svg', 'tables/wilcoxon.csv']) {
      assert.ok((await readFile(join(a, f))).equals(await readFile(join(b, f))), f);
    }
  } finally {
    await rm(a, { recursive: true, force: true });
    await rm(b, { recursive: true, force: true });
  }
});

void test('no distillation and no fusion: those sections say so instead of failing', async () => {
  const dir = await tmp();
  try {
    const input = { ...smallInput(), distillations: [], fusions: [] };
    const files = await buildReport(input, dir);
    assert.deepEqual(files.warnings, []);
    assert.equal(files.figures.importances, undefined);
    assert.ok(files.figures.distillation, 'the unpruned-vs-pruned figure still shows the best pruned model');
    const md = await readFile(join(dir, files.tables.distillation?.md ?? ''), 'utf8');
    assert.match(md, /No distillation results were given/);
    assert.match(await readFile(join(dir, files.tables.importances?.md ?? ''), 'utf8'), /No learned fusion/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('bad input fails before anything is written, naming what is wrong', async () => {
  const dir = await tmp();
  try {
    const input = smallInput();
    input.distillations.push({ ...(input.distillations[0] as (typeof input.distillations)[number]) });
    await assert.rejects(buildReport(input, dir), /two distillations on dataset "alpha" with student "random-forest"/);
    const stray = smallInput();
    (stray.fusions[0] as { dataset: string }).dataset = 'gamma';
    const files = await buildReport(stray, dir);
    assert.deepEqual(files.warnings, ['fusion linear-regression on gamma: no curve covers that dataset']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('evaluations get a table, and one that contradicts the curves’ unpruned model is a warning', async () => {
  const dir = await tmp();
  try {
    const input = smallInput();
    input.curves = input.curves.filter((c) => c.dataset === 'alpha');
    input.fusions = input.fusions.filter((f) => f.dataset === 'alpha');
    input.evaluations = [
      { source: 'eval-base', split: 'test', layers: [0, 1, 2], accuracy: 0.805, macro_f1: 0.8, examples: 200, backend: 'wasm' },
      { source: 'eval-val', split: 'validation', layers: [0, 1, 2], accuracy: 0.81, macro_f1: 0.8, examples: 100 },
    ];
    (input.curves[0]?.best as { rule?: string }).rule = 'max-drop-unmet';
    (input.curves[0] as { max_drop?: number }).max_drop = 0.005;
    const files = await buildReport(input, dir);
    assert.deepEqual(files.warnings, [
      "evaluation eval-base: test accuracy 0.805 of all 3 layers differs from the curves' unpruned 0.8 (another model, split or engine?)",
      'curve of "random-forest" on "alpha" (from order.alpha.random-forest): no k stayed within max_drop 0.005; the most accurate k was chosen instead',
    ]);
    assert.equal(await readFile(join(dir, 'tables/evaluations.csv'), 'utf8'), 'source,split,layers,kept,examples,accuracy,macro_f1,backend\neval-base,test,3,0 1 2,200,0.805,0.8,wasm\neval-val,validation,3,0 1 2,100,0.81,0.8,\n');
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    assert.match(html, /<section id="evaluations">/);
    assert.match(html, /<li>evaluation eval-base: test accuracy 0\.805/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/report/analysis.js';
import { compare } from '../../src/report/comparisons.js';
import { distillationRows } from '../../src/report/distillation.js';
import { importances } from '../../src/report/importances.js';
import { formatValue, tableCsv, tableHtml, tableJson, tableMarkdown, type Table } from '../../src/report/table.js';
import { allTables } from '../../src/report/tables/index.js';
import { smallInput } from './fixtures/small.js';

function tables(): Map<string, Table> {
  const input = smallInput();
  const a = analyse(input);
  const d = distillationRows(input.distillations, ['alpha', 'beta']);
  return new Map(allTables(a, d, importances(input.fusions, ['alpha', 'beta']), compare(a, d)).map((t) => [t.id, t]));
}

const get = (id: string): Table => {
  const t = tables().get(id);
  assert.ok(t, `table ${id}`);
  return t;
};

void test('every table of the report, in page order', () => {
  assert.deepEqual([...tables().keys()], ['best', 'max-accuracy', 'ranks', 'change', 'size', 'distillation', 'importances', 'importances-by-dataset', 'wilcoxon']);
});

void test('max-accuracy table as CSV: raw fractions, a header of column keys', () => {
  assert.equal(tableCsv(get('max-accuracy')), ['strategy,alpha,beta,mean', 'unpruned,0.8,0.75,0.775', 'random-forest,0.79,0.75,0.77', 'weight-entropy,0.79,0.7,0.745', 'random,0.7,0.6,0.65', ''].join('\n'));
});

void test('max-accuracy table as Markdown: percent, best per dataset in bold, ties all bold', () => {
  assert.equal(
    tableMarkdown(get('max-accuracy')),
    [
      '### Max accuracy per strategy and dataset',
      '',
      "Test accuracy (%) of each strategy's chosen pruned model (k ≥ 1 layers removed, chosen on validation accuracy, ties to the smaller model); the unpruned model on top; the best strategy per dataset in bold (ties all bold).",
      '',
      '| Strategy | alpha | beta | Mean |',
      '|:---|---:|---:|---:|',
      '| unpruned | 80.00 | 75.00 | 77.50 |',
      '| random-forest | **79.00** | **75.00** | 77.00 |',
      '| weight-entropy | **79.00** | 70.00 | 74.50 |',
      '| random | 70.00 | 60.00 | 65.00 |',
      '',
    ].join('\n'),
  );
});

void test('max-accuracy table as JSON: columns, raw rows and the bold cells', () => {
  const j = JSON.parse(tableJson(get('max-accuracy'))) as Record<string, unknown>;
  assert.deepEqual(j.columns, [
    { key: 'strategy', label: 'Strategy' },
    { key: 'alpha', label: 'alpha', description: 'test accuracy (fraction)' },
    { key: 'beta', label: 'beta', description: 'test accuracy (fraction)' },
    { key: 'mean', label: 'Mean', description: 'mean over the datasets with a curve' },
  ]);
  assert.deepEqual(j.rows, [
    { strategy: 'unpruned', alpha: 0.8, beta: 0.75, mean: 0.775 },
    { strategy: 'random-forest', alpha: 0.79, beta: 0.75, mean: 0.77 },
    { strategy: 'weight-entropy', alpha: 0.79, beta: 0.7, mean: 0.745 },
    { strategy: 'random', alpha: 0.7, beta: 0.6, mean: 0.65 },
  ]);
  assert.deepEqual(j.bold, [
    { row: 1, column: 'alpha' },
    { row: 1, column: 'beta' },
    { row: 2, column: 'alpha' },
  ]);
  assert.equal(j.id, 'max-accuracy');
  assert.deepEqual(j.notes, []);
});

void test('ranks table as Markdown: ties averaged, best mean rank in bold', () => {
  assert.equal(
    tableMarkdown(get('ranks')),
    [
      '### Ranks per dataset and mean rank',
      '',
      'Rank of each strategy by the accuracy of its chosen model on each dataset (best = 1, ties get the mean of the ranks they span); the best mean rank in bold.',
      '',
      '| Strategy | alpha | beta | Mean rank |',
      '|:---|---:|---:|---:|',
      '| random-forest | 1.5 | 1 | **1.25** |',
      '| weight-entropy | 1.5 | 2 | 1.75 |',
      '| random | 3 | 3 | 3 |',
      '',
    ].join('\n'),
  );
});

void test('% change table as CSV and the distillation control as Markdown', () => {
  assert.equal(
    tableCsv(get('change')),
    ['strategy,alpha,beta,mean,se', 'random-forest,-1.25,0,-0.625,0.625', 'weight-entropy,-1.25,-6.66666666667,-3.95833333333,2.70833333333', 'random,-12.5,-20,-16.25,3.75', ''].join('\n'),
  );
  assert.equal(
    tableMarkdown(get('distillation')),
    [
      '### Distillation control: teacher vs more training',
      '',
      'Test accuracy of the unpruned teacher, the pruned student before training, the student after distillation and the control (the same student trained for the same steps on hard labels alone). Teacher effect = distilled − control; training effect = control − student; both in percentage points.',
      '',
      '| Dataset | Student | Layers | Unpruned (%) | Student before (%) | Distilled (%) | Control (%) | Teacher effect (pp) | Training effect (pp) | Distilled vs unpruned (%) |',
      '|:---|:---|---:|---:|---:|---:|---:|---:|---:|---:|',
      '| alpha | random-forest | 2 | 80.00 | 79.00 | **81.50** | 80.00 | +1.50 | +1.00 | +1.88 |',
      '',
      'Distilled accuracy in bold where it beats the unpruned model.',
      '',
    ].join('\n'),
  );
});

void test('size table: exact parameters, MB, accuracy per GB and its change, distilled rows', () => {
  const csv = tableCsv(get('size')).split('\n');
  assert.equal(csv[0], 'dataset,model,layers_removed,kept,parameters,size_mb,accuracy,ratio,ratio_change,ratio_change_pct');
  assert.equal(csv[1], 'alpha,unpruned,0,0 1 2,3000,0.012,0.8,66666.6666667,0,0');
  assert.equal(csv[2], 'alpha,random-forest,1,0 2,2000,0.008,0.79,98750,32083.3333333,48.125');
  assert.equal(csv[5], 'alpha,distilled (random-forest),1,0 2,2000,0.008,0.815,101875,35208.3333333,52.8125');
  assert.equal(csv[8], 'beta,random-forest,2,1,1000,0.004,0.75,187500,125000,200');
});

void test('Wilcoxon table as CSV: n, non-zero pairs, W+, p, method, Holm, smallest attainable p', () => {
  const csv = tableCsv(get('wilcoxon')).split('\n');
  assert.deepEqual(csv.slice(0, 4), [
    'family,a,b,measure,n,nonzero,mean_difference,median_difference,w_plus,p,method,p_holm,min_p',
    'vs random,random-forest,random,accuracy,2,2,12,12,3,0.5,exact,1,0.5',
    'vs random,weight-entropy,random,accuracy,2,2,9.5,9.5,3,0.5,exact,1,0.5',
    'vs unpruned,random-forest,unpruned,% change,2,1,-0.625,-0.625,0,1,exact,1,1',
  ]);
  assert.equal(csv[7], 'distilled vs unpruned,distilled (random-forest),unpruned,% change,1,,1.875,1.875,,,n/a (fewer than 2 datasets pair up),,');
  assert.match(get('wilcoxon').caption, /n = 2 datasets: the smallest two-sided p an exact Wilcoxon test can give is 2\/2\^2 = 0\.500, so no result can reach significance/);
});

void test('CSV quoting, Markdown escaping and HTML escaping of awkward names', () => {
  const t: Table = {
    id: 't',
    title: 'T',
    caption: 'c',
    columns: [
      { key: 'name', label: 'Name', format: 'text' },
      { key: 'v', label: 'V|x', format: 'accuracy' },
    ],
    rows: [{ values: { name: 'a,"b"|<c>*', v: 0.5 }, bold: ['v'] }, { values: { name: 'none', v: null } }],
  };
  assert.equal(tableCsv(t), 'name,v\n"a,""b""|<c>*",0.5\nnone,\n');
  assert.match(tableMarkdown(t), /\| a,"b"\\\|<c>\\\* \| \*\*50\.00\*\* \|/);
  assert.match(tableMarkdown(t), /\| V\\\|x \|/);
  assert.match(tableHtml(t), /<td>a,&quot;b&quot;\|&lt;c&gt;\*<\/td><td class="num"><strong>50\.00<\/strong><\/td>/);
  assert.match(tableHtml(t), /<td>none<\/td><td class="num">–<\/td>/);
});

void test('number formats', () => {
  assert.equal(formatValue(0.12345, 'accuracy'), '12.35');
  assert.equal(formatValue(-0.625, 'signed'), '-0.63');
  assert.equal(formatValue(0, 'signed'), '0.00');
  assert.equal(formatValue(109482240, 'count'), '109,482,240');
  assert.equal(formatValue(66666.666, 'fixed2'), '66,666.67');
  assert.equal(formatValue(2.5, 'rank'), '2.5');
  assert.equal(formatValue(2 / 512, 'p'), '0.004');
  assert.equal(formatValue(1e-5, 'p'), '1.0e-5');
  assert.equal(formatValue([0, 2, 5], 'layers'), '0 2 5');
  assert.equal(formatValue(null, 'accuracy'), '–');
});

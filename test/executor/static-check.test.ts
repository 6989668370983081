/**
 * Issue 13: mistakes knowable before anything runs exit 2 with file:line:col, through the node
 * types' static checks over params and the static facts of their inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { cli } from '../util/exec-cli.js';
import { checkGraph } from '../../src/executor/static-check.js';
import type { NodeType } from '../../src/artifacts/index.js';
import { makeGraph } from '../util/exec-rig.js';

const HEAD = `version: 1
name: mistakes
nodes:
  data:
    uses: dataset/jsonl
    with: {path: data.jsonl}
  tok:
    uses: tokenizer/wordpiece
    with: {data: "\${data}", vocab_size: 50}
  base:
    uses: model/train
    with:
      data: \${data}
      tokenizer: \${tok}
      layers: 2
  signals:
    uses: signals/capture
    with: {model: "\${base}", data: "\${data}"}
  entropy:
    uses: score/weight-entropy
    with: {signals: "\${signals}"}
  fisher:
    uses: score/gradient-fisher
    with: {signals: "\${signals}"}
`;

async function validate(t: { after(fn: () => Promise<void>): void }, body: string): Promise<{ code: number | null; stderr: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-static-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'data.jsonl'), '{"text":"a","label":0}\n');
  await writeFile(join(dir, 'p.yaml'), HEAD + body);
  const r = await cli(dir, ['validate', 'p.yaml']);
  return { code: r.code, stderr: r.stderr, dir };
}

void test('a linear fusion with fit: in-sample and no target: exit 2 at file:line:col', async (t) => {
  const r = await validate(
    t,
    `  linear:
    uses: fuse/linear-regression
    with:
      scores: ["\${entropy}", "\${fisher}"]
      fit: in-sample
`,
  );
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^p\.yaml:29:12: error: node `linear` \(fuse\/linear-regression\): fit: in-sample fits the regressor to this model's own ablation drops, so it needs `target: \$\{ABLATION\}`/m);
  assert.match(r.stderr, /\n {10}fit: in-sample\n {15}\^~~~~~~~~/);
});

void test('weighted-sum weights naming a signal that is not among its inputs, and an input without a weight: exit 2, located', async (t) => {
  const r = await validate(
    t,
    `  pair:
    uses: fuse/weighted-sum
    with:
      scores: ["\${entropy}", "\${fisher}"]
      weights: {weight-entropy: 2, attention-entropy: 1}
`,
  );
  assert.equal(r.code, 2, r.stderr);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('p.yaml:'));
  assert.deepEqual(errors, [
    'p.yaml:29:16: error: node `pair` (fuse/weighted-sum): no weight for `gradient-fisher`: every input signal needs one (0 ignores it)',
    'p.yaml:29:55: error: node `pair` (fuse/weighted-sum): weight for `attention-entropy`, which is not among its input signals (weight-entropy, gradient-fisher)',
  ]);
});

void test('layers: [7] on a model the pipeline trains with 2 layers: exit 2 at the 7, before anything runs', async (t) => {
  const r = await validate(
    t,
    `  eval:
    uses: model/evaluate
    with:
      model: \${base}
      data: \${data}
      layers: [0, 7]
`,
  );
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^p\.yaml:30:19: error: node `eval` \(model\/evaluate\): layer 7 is not in the model: `base` gives a model with 2 layers \(0, 1\)$/m);
  // run and plan check the same before anything runs: no cache, no lock file.
  const run = await cli(r.dir, ['run', 'p.yaml']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /layer 7 is not in the model/);
  assert.equal(existsSync(join(r.dir, 'cache', 'index')), false, 'nothing ran');
});

void test('facts flow through model/finetune (layers: [1] passes, [2] does not); fit: cross without rows', async (t) => {
  const r = await validate(
    t,
    `  tuned:
    uses: model/finetune
    with: {model: "\${base}", data: "\${data}"}
  eval:
    uses: model/evaluate
    with: {model: "\${tuned}", data: "\${data}", layers: [1]}
  export:
    uses: model/export
    with: {model: "\${tuned}", layers: [2]}
  forest:
    uses: fuse/random-forest
    with: {scores: ["\${entropy}"], fit: cross}
`,
  );
  assert.equal(r.code, 2);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('p.yaml:'));
  assert.deepEqual(errors, [
    'p.yaml:33:40: error: node `export` (model/export): layer 2 is not in the model: `tuned` gives a model with 2 layers (0, 1)',
    "p.yaml:36:41: error: node `forest` (fuse/random-forest): fit: cross trains on other models' fusion rows and never on this model's drops, so it needs `rows: [...]` (their fuse/linear-regression or fuse/random-forest nodes)",
  ]);
});

void test('checkGraph: a check that throws is reported as a problem of that node, not a crash', async () => {
  const broken = {
    type: 'x/broken',
    version: 1,
    description: 'a check with a bug',
    params: {},
    inputs: {},
    outputs: {},
    check: () => {
      throw new TypeError('oops');
    },
    run: () => Promise.resolve({}),
  } as unknown as NodeType<never>;
  const g = makeGraph('/tmp', 'x', { a: { type: 'x/broken' } });
  const d = await checkGraph(g, (t) => (t === 'x/broken' ? broken : undefined));
  assert.deepEqual(d.map((x) => x.message), ['node `a` (x/broken): its static check failed: TypeError: oops']);
});

void test('facts flow through model/distill (the student\'s layers): layers: [5] on its model is located', async (t) => {
  const r = await validate(
    t,
    `  distilled:
    uses: model/distill
    with: {teacher: "\${base}", student: "\${base}", data: "\${data}"}
  export:
    uses: model/export
    with: {model: "\${distilled}", layers: [1, 5]}
`,
  );
  assert.equal(r.code, 2, r.stderr);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('p.yaml:'));
  assert.deepEqual(errors, ['p.yaml:30:47: error: node `export` (model/export): layer 5 is not in the model: `distilled` gives a model with 2 layers (0, 1)']);
});

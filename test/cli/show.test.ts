/**
 * `layerfuse show`: --field paths, the params a result belongs to (and --set), a group as one
 * table / CSV / JSON (issues 11 and 13), and a truncation that says how to see the rest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { cli } from '../util/exec-cli.js';

const PIPELINE = `version: 1
name: show
params:
  seed: 1
nodes:
  data:
    foreach: [1, 2, 3]
    uses: dataset/jsonl
    with: {path: data.jsonl, train: 0.5, validation: 0.25, test: 0.25, calibration: 2, seed: "\${item}"}
  one:
    uses: dataset/jsonl
    with: {path: data.jsonl, train: 0.5, validation: 0.25, test: 0.25, calibration: 2, seed: "\${params.seed}"}
  many:
    uses: shell
    with: {run: "mkdir -p out && for i in $(seq 1 30); do echo $i > out/f$i.txt; done", outputs: [out]}
`;

async function project(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-show-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const rows = Array.from({ length: 16 }, (_, i) => JSON.stringify({ text: `text ${i}`, label: ['neg', 'pos'][i % 2] }));
  await writeFile(join(dir, 'data.jsonl'), rows.join('\n') + '\n');
  await writeFile(join(dir, 'p.yaml'), PIPELINE);
  const r = await cli(dir, ['run', 'p.yaml']);
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

void test('show --field: a value alone (scalars raw), several as lines, paths into lists and into JSONL blobs; the params go to stderr', async (t) => {
  const dir = await project(t);
  const one = await cli(dir, ['show', 'p.yaml', 'one', '--field', 'dataset.seed']);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(one.stdout, '1\n');
  assert.equal(one.stderr, 'params: seed=1 (all as the pipeline file gives them)\n');
  const same = await cli(dir, ['show', 'p.yaml', 'one', '--field', 'seed']);
  assert.equal(same.stdout, '1\n', 'a path may start in the first port');
  const several = await cli(dir, ['show', 'p.yaml', 'one', '--field', 'labels', '--field', 'labels.1', '--field', 'splits.test.0.label']);
  assert.match(several.stdout, /^labels: \["neg","pos"\]\nlabels\.1: pos\nsplits\.test\.0\.label: [01]\n$/);
  const missing = await cli(dir, ['show', 'p.yaml', 'one', '--field', 'dataset.acuracy']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /layerfuse show: one: --field dataset.acuracy: dataset has no `acuracy` \(keys: counts, format, labels, [a-z, ]*splits\)\n$/);
  // --set as for run and plan: another seed is another key, not cached: the last run's result, said so.
  const other = await cli(dir, ['show', 'p.yaml', 'one', '--field', 'seed', '--set', 'seed=9']);
  assert.equal(other.code, 0, other.stderr);
  assert.match(other.stderr, /params: seed=9 \(--set: seed; the others as the pipeline file gives them\) — from the last run: the pipeline or its inputs changed since/);
  assert.equal(other.stdout, '1\n', 'the last run (seed 1), as the text form says');
  const text = await cli(dir, ['show', 'p.yaml', 'one', '--set', 'seed=9']);
  assert.match(text.stdout, /^node one key [0-9a-f]{64} \(from the last run; the pipeline or its inputs changed since\)\nparams: seed=9 \(--set: seed; the others as the pipeline file gives them\)\n/);
});

void test("show 'group.*': one table for every node of the group, or CSV (a CSV library) or JSON", async (t) => {
  const dir = await project(t);
  const table = await cli(dir, ['show', 'p.yaml', 'data.*', '--field', 'seed', '--field', 'counts.test']);
  assert.equal(table.code, 0, table.stderr);
  assert.equal(
    table.stdout,
    ['# params: seed=1 (all as the pipeline file gives them)', 'node    seed  counts.test', '------  ----  -----------', 'data.1     1  [2,2]', 'data.2     2  [2,2]', 'data.3     3  [2,2]', ''].join('\n'),
  );
  const byDefault = await cli(dir, ['show', 'p.yaml', 'data.*']);
  assert.match(byDefault.stdout, /^node +format +(\S+ +)*seed\n/m, 'without --field: the scalar fields of the first output');
  const csv = await cli(dir, ['show', 'p.yaml', 'data.*', '--field', 'seed', '--field', 'labels', '--format', 'csv']);
  assert.deepEqual(parse(csv.stdout), [
    ['node', 'seed', 'labels'],
    ['data.1', '1', '["neg","pos"]'],
    ['data.2', '2', '["neg","pos"]'],
    ['data.3', '3', '["neg","pos"]'],
  ]);
  const json = JSON.parse((await cli(dir, ['show', 'p.yaml', 'data.*', '--field', 'seed', '--format', 'json'])).stdout) as unknown;
  assert.deepEqual(json, [
    { node: 'data.1', cached: true, current: true, seed: 1 },
    { node: 'data.2', cached: true, current: true, seed: 2 },
    { node: 'data.3', cached: true, current: true, seed: 3 },
  ]);
  const bad = await cli(dir, ['show', 'p.yaml', 'dta.*']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no group `dta` in p\.yaml; did you mean `data`\?/);
});

void test('show: a long manifest is cut with a note saying how to see the rest; --json keeps its documented shape', async (t) => {
  const dir = await project(t);
  const text = await cli(dir, ['show', 'p.yaml', 'many']);
  assert.match(text.stdout, /\n {2}… \d+ more lines not shown: all of it with --json, one value with --field \(e\.g\. layerfuse show p\.yaml many --field files\.files\)\n/);
  const json = JSON.parse((await cli(dir, ['show', 'p.yaml', 'one', '--json'])).stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json), ['node', 'key', 'current', 'params', 'outputs', 'runs']);
  assert.deepEqual(json.params, { seed: 1 });
  const outputs = json.outputs as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(outputs.dataset!), ['type', 'digest', 'manifest', 'contents']);
});

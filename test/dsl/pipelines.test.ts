/** Every pipeline shipped in pipelines/ validates against the real schemas/ and passes the node types' static checks (house rule). */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDiagnostics } from '../../src/dsl/index.js';
import { loadPipeline } from '../../src/load-pipeline.js';
import { repoRoot } from '../util/shared.js';

const dir = join(repoRoot, 'pipelines');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];

void test('pipelines/ is listed', () => {
  assert.ok(Array.isArray(files));
});

for (const f of files) {
  void test(`pipelines/${f} validates`, async () => {
    const r = await loadPipeline(join(dir, f));
    assert.equal(formatDiagnostics(r.diagnostics, r.sources), '');
    assert.ok(r.graph);
  });
}

void test('every pipeline also passes the editor schema (no false warnings in yaml-language-server)', async () => {
  const { Ajv } = await import('ajv');
  const { parse } = await import('yaml');
  const { readFileSync } = await import('node:fs');
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'pipeline.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  for (const f of files) {
    const doc: unknown = parse(readFileSync(join(dir, f), 'utf8'), { merge: true });
    assert.equal(validate(doc), true, `${f}: ${JSON.stringify(validate.errors)}`);
  }
});

void test('the default pipeline needs nothing outside the clone: no file input, no path out of the repository', async () => {
  const { getNodeType } = await import('../../src/nodes/registry.js');
  const r = await loadPipeline(join(dir, 'default.yaml'));
  assert.ok(r.graph, formatDiagnostics(r.diagnostics, r.sources));
  for (const node of r.graph.nodes.values()) {
    const decl = getNodeType(node.type);
    assert.ok(decl, node.type);
    const files = decl.inputFiles?.(node.params as never) ?? [];
    assert.deepEqual(files, [], `${node.id} (${node.type}) reads files ${files.join(', ')}`);
    assert.doesNotMatch(JSON.stringify(node.params), /\.\.\/|shared\//, `${node.id}'s params point outside the clone`);
  }
  assert.doesNotMatch(JSON.stringify(r.graph.params), /\.\.\/|shared\//);
});

void test('paper.yaml: the spam-assassin tasks by default, extra JSONL and CSV datasets by --set, each with the whole chain', async () => {
  const per = (g: { nodes: Map<string, unknown> }, dataset: string) => [...g.nodes.keys()].filter((id) => id.includes(`.${dataset}`) || id === dataset);
  const plain = await loadPipeline(join(dir, 'paper.yaml'));
  assert.ok(plain.graph, formatDiagnostics(plain.diagnostics, plain.sources));
  const ids = [...plain.graph.nodes.keys()];
  assert.ok(!ids.some((id) => id.startsWith('jsonl') || id.startsWith('csv')), 'no extra dataset by default');
  const lists = per(plain.graph, 'mail.lists');
  assert.ok(lists.length > 40, `${lists.length} nodes for the lists task`);
  assert.equal(per(plain.graph, 'mail.spam').length, lists.length, 'lists and spam get the same chain');
  const extra = await loadPipeline(join(dir, 'paper.yaml'), { sets: ['jsonl=[../../shared/data/agnews/data.jsonl]', 'csv=[more/reviews.csv]'] });
  assert.ok(extra.graph, formatDiagnostics(extra.diagnostics, extra.sources));
  const agnews = per(extra.graph, 'jsonl.shared-data-agnews-data.jsonl');
  const reviews = per(extra.graph, 'csv.more-reviews.csv');
  assert.equal(agnews.length, lists.length);
  assert.equal(reviews.length, lists.length);
  const distill = extra.graph.nodes.get('distill.csv.more-reviews.csv');
  assert.deepEqual(distill?.inputs.student, { node: 'curve.csv.more-reviews.csv.forest', port: 'model' });
  assert.equal(extra.graph.nodes.get('jsonl.shared-data-agnews-data.jsonl')?.params.path, '../../shared/data/agnews/data.jsonl');
});

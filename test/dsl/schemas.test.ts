import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { buildSchemaFiles, describeNodeType, staleSchemaFiles } from '../../src/cli/schema-gen.js';
import { registry } from '../../src/nodes/registry.js';
import { fakeNodeTypes } from '../util/dsl-fake-types.js';
import { fakeSchemasDir } from '../util/dsl-schemas.js';
import { repoRoot } from '../util/shared.js';
import { designExample } from './design-example.js';

void test('schemas/ is current with the node registry', () => {
  const s = staleSchemaFiles(join(repoRoot, 'schemas'), buildSchemaFiles(registry.values()));
  const stale = [...s.changed.map((p) => `changed ${p}`), ...s.missing.map((p) => `missing ${p}`), ...s.extra.map((p) => `extra ${p}`)];
  assert.deepEqual(stale, [], 'schemas/ is stale: a node type was added or changed. Run `npm run schemas` and commit schemas/.');
});

void test('the node descriptor carries params with defaults, ports in order, resources, worker, cacheable', () => {
  const train = fakeNodeTypes.find((t) => t.type === 'model/train')!;
  const d = describeNodeType(train);
  assert.equal(d.type, 'model/train');
  assert.deepEqual(d.params.required, ['epochs']);
  assert.equal(d.params.additionalProperties, false);
  assert.equal((d.params.properties as Record<string, { default?: unknown }>).layers!.default, 6);
  assert.deepEqual(Object.keys(d.outputs), ['model', 'metrics'], 'the first output is the default port');
  assert.deepEqual(d.resources, { gpu: 1 });
  assert.equal(d.worker, true);
  assert.equal(d.cacheable, true);
  const files = buildSchemaFiles(fakeNodeTypes);
  assert.ok(files.has('nodes/model/train.json'));
  assert.ok(files.has('pipeline.schema.json'));
});

void test('stale detection reports changed, missing and extra files', () => {
  const dir = fakeSchemasDir();
  const files = buildSchemaFiles(fakeNodeTypes);
  assert.deepEqual(staleSchemaFiles(dir, files), { changed: [], missing: [], extra: [] });
  const fewer = new Map(files);
  fewer.delete('nodes/util/sink.json');
  fewer.set('nodes/new/type.json', '{}\n');
  fewer.set('pipeline.schema.json', '{}\n');
  assert.deepEqual(staleSchemaFiles(dir, fewer), { changed: ['pipeline.schema.json'], missing: ['nodes/new/type.json'], extra: ['nodes/util/sink.json'] });
});

void test('the editor schema accepts the design example and flags a bad `with` value and an unknown type', () => {
  const schema = JSON.parse(readFileSync(join(fakeSchemasDir(), 'pipeline.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  const doc = parse(designExample) as { nodes: Record<string, { uses: string; with: Record<string, unknown> }> };
  assert.equal(validate(doc), true, JSON.stringify(validate.errors));
  doc.nodes.base!.with.layers = 'many';
  assert.equal(validate(doc), false);
  assert.ok(validate.errors!.some((e) => e.instancePath === '/nodes/base/with/layers'));
  doc.nodes.base!.with.layers = 3;
  doc.nodes.base!.uses = 'model/trian';
  assert.equal(validate(doc), false);
  assert.ok(validate.errors!.some((e) => e.instancePath === '/nodes/base/uses'));
});

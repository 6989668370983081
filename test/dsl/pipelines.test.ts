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

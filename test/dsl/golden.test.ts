/**
 * Golden diagnostics: each golden/NAME.yaml loads against the fake node types and must print
 * exactly golden/NAME.expected. A first-line comment `# sets: [...]` (JSON) gives --set flags.
 * After an intended message change, rewrite the files with UPDATE_GOLDEN=1 and review the diff.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDiagnostics } from '../../src/dsl/index.js';
import { repoRoot } from '../util/shared.js';
import { loadText } from '../util/dsl-schemas.js';

const dir = join(repoRoot, 'test', 'dsl', 'golden');
const cases = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

void test('there are golden cases', () => {
  assert.ok(cases.length >= 15, `found ${cases.length} in ${dir}`);
});

for (const file of cases) {
  void test(`golden diagnostics: ${file}`, async () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const m = /^# sets: (.*)\n/.exec(text);
    const sets = m ? (JSON.parse(m[1]!) as string[]) : [];
    const r = await loadText(text, sets, file);
    const got = formatDiagnostics(r.diagnostics, r.sources);
    const expectedPath = join(dir, file.replace(/\.yaml$/, '.expected'));
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(expectedPath, got);
    assert.equal(r.graph, undefined, 'a pipeline with errors yields no graph');
    assert.notEqual(got, '', 'golden cases are invalid pipelines');
    assert.equal(got, readFileSync(expectedPath, 'utf8'));
  });
}

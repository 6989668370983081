/**
 * A schemas/ folder generated (once per process) from the fake node types, so DSL tests run
 * against the same generator as the real schemas/ without depending on which real node types
 * exist yet.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchemaFiles, writeSchemaFiles } from '../../src/cli/schema-gen.js';
import { loadPipeline, type LoadResult } from '../../src/dsl/index.js';
import { formatDiagnostics } from '../../src/dsl/format.js';
import { fakeNodeTypes } from './dsl-fake-types.js';

let dir: string | undefined;

export function fakeSchemasDir(): string {
  if (dir) return dir;
  const root = mkdtempSync(join(tmpdir(), 'layerfuse-dsl-schemas-'));
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  dir = join(root, 'schemas');
  writeSchemaFiles(dir, buildSchemaFiles(fakeNodeTypes));
  return dir;
}

/** Load pipeline text against the fake schemas; the file name is relative so messages print it as is. */
export function loadText(text: string, sets: string[] = [], file = 'test.yaml'): Promise<LoadResult> {
  return loadPipeline(file, { text, sets, schemasDir: fakeSchemasDir() });
}

/** The printed diagnostics of a pipeline text ('' when it loads). */
export async function diagnosticsOf(text: string, sets: string[] = []): Promise<string> {
  const r = await loadText(text, sets);
  return formatDiagnostics(r.diagnostics, r.sources);
}

/** Strip a common indentation so pipelines can be written inline in tests. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

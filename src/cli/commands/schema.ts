/**
 * `layerfuse schema [--write] [--check]`: print the pipeline JSON Schema (for editors:
 * `# yaml-language-server: $schema=...`), or regenerate schemas/ from the node registry
 * (`npm run schemas`), or report whether schemas/ is stale (exit 1).
 */
import { join } from 'node:path';
import { registry } from '../../executor/index.js';
import { packageRoot } from '../../package-root.js';
import { parseCommand, runCommand } from '../command.js';
import { writeErr, writeOut } from '../output.js';
import { buildSchemaFiles, staleSchemaFiles, writeSchemaFiles } from '../schema-gen.js';

const USAGE = `usage: layerfuse schema [--write | --check] [--dir DIR]

Without options: print the pipeline JSON Schema generated from the node registry.
--write  regenerate DIR (default: the package's schemas/) and remove stale node files
--check  exit 1 when DIR differs from what --write would produce
`;

export function run(argv: string[]): Promise<number> {
  return runCommand('schema', USAGE, () => {
    const parsed = parseCommand(argv, { write: { type: 'boolean' }, check: { type: 'boolean' }, dir: { type: 'string' } }, { min: 0, max: 0, what: 'no arguments' });
    return Promise.resolve(schema(parsed.values));
  });
}

function schema(values: { write?: boolean; check?: boolean; dir?: string }): number {
  const files = buildSchemaFiles(registry.values());
  const dir = values.dir ?? join(packageRoot, 'schemas');
  if (values.write) {
    const written = writeSchemaFiles(dir, files);
    writeOut(written.length === 0 ? `schemas up to date (${files.size} files in ${dir})\n` : written.map((p) => `wrote ${join(dir, p)}\n`).join(''));
    return 0;
  }
  if (values.check) {
    const s = staleSchemaFiles(dir, files);
    const stale = [...s.changed.map((p) => `changed: ${p}`), ...s.missing.map((p) => `missing: ${p}`), ...s.extra.map((p) => `extra: ${p}`)];
    if (stale.length === 0) {
      writeOut('schemas up to date\n');
      return 0;
    }
    writeErr(`${stale.join('\n')}\nschemas/ is stale: run \`npm run schemas\`\n`);
    return 1;
  }
  writeOut(files.get('pipeline.schema.json')!);
  return 0;
}

/**
 * The registry against the run modules: every registered type has exactly one body in
 * src/nodes/run/, and no body exists for an unregistered type (a missing one would only show on
 * that type's first run).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Implementation } from '../../src/nodes/family.js';
import { registry } from '../../src/nodes/registry.js';

const runDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'nodes', 'run');

void test('every registered node type has one body in a run module, and every body a declaration', async () => {
  const bodies = new Map<string, string>();
  for (const file of readdirSync(runDir).filter((f) => f.endsWith('.js')).sort()) {
    const mod = (await import(pathToFileURL(join(runDir, file)).href)) as { default?: readonly Implementation[] };
    for (const impl of mod.default ?? []) {
      assert.ok(!bodies.has(impl.type), `${impl.type} has bodies in ${bodies.get(impl.type)} and ${file}`);
      bodies.set(impl.type, file);
    }
  }
  assert.deepEqual([...bodies.keys()].sort(), [...registry.keys()].sort());
});

/** What a test run left in a cache: each node's output digests and its last run record. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IndexRecord, RunFacts } from '../../src/executor/cache.js';

export interface NodeResult {
  outputs: Record<string, string>;
  run: RunFacts;
}

export async function nodeResults(cacheDir: string): Promise<Map<string, NodeResult>> {
  const out = new Map<string, NodeResult>();
  for (const name of await readdir(join(cacheDir, 'index'))) {
    if (name.startsWith('.')) continue;
    const r = JSON.parse(await readFile(join(cacheDir, 'index', name), 'utf8')) as IndexRecord;
    out.set(r.node, { outputs: Object.fromEntries(Object.entries(r.outputs).map(([p, o]) => [p, o.digest])), run: r.runs.at(-1)! });
  }
  return out;
}

/** A small two-class JSONL dataset of `n` rows of `words` words each (deterministic). */
export function wordRows(n: number, words: number): string {
  const vocab = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta'];
  const rows = Array.from({ length: n }, (_, i) => JSON.stringify({ text: [1, 3, 5, 7].slice(0, words).map((m) => vocab[(i * m) % 8]).join(' '), label: i % 2 }));
  return rows.join('\n') + '\n';
}

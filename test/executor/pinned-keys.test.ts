/**
 * Cache keys must survive refactors: a cache filled by one build must be hit by the next. This
 * pins the full keys of a small real pipeline (shell nodes, a dataset file, a WordPiece
 * tokenizer learned from it), run through the DSL and the executor. The keys cover the node
 * types' versions and defaults, the params as the DSL fills them, input-file hashing and the
 * upstream output digests (dataset splits as blobs, the tokenizer's files). A change here means
 * every user's cache misses: bump a type's version or KEY_VERSION on purpose, never by accident.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPipeline } from '../../src/dsl/index.js';
import { runPipeline } from '../../src/executor/executor.js';
import { MemoryCache } from '../../src/executor/memory-cache.js';

const PIPELINE = `version: 1
name: pinned
params:
  greeting: hello
nodes:
  data:
    uses: dataset/jsonl
    with:
      path: data.jsonl
      calibration: 6
      seed: 7
  tok:
    uses: tokenizer/wordpiece
    with:
      data: \${data}
      vocab_size: 60
      min_frequency: 1
  hello:
    uses: shell
    with:
      run: echo \${params.greeting} > hello.txt
      outputs: [hello.txt]
  shout:
    uses: shell
    with:
      run: tr a-z A-Z < hello.txt > shout.txt && cat words.txt >> shout.txt
      inputs: [words.txt]
      outputs: [shout.txt]
      after: ["\${hello}", "\${tok}"]
`;

const TOPICS = ['minister election government talks', 'team match goal season', 'market stocks earnings profit'];

function jsonl(n: number): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ text: `${TOPICS[i % 3]} item ${i}`, label: i % 3 })).join('\n') + '\n';
}

// data and tok changed on purpose once: dataset/jsonl version 2 (its manifest carries a display
// name), so tok's input digest changed too; tok's output did not, so shout kept its key.
const PINNED: Record<string, string> = {
  data: '37baac14a00b150071dac2cb73624cc014013549f7cf5c639e2918a096feb166',
  tok: '4c0a6201f48add340087a184f17fef913e5579def7c68d2aaee8a63f0251ee20',
  hello: 'aa5278fb93e9f82a36aa2a2e51ac25ec708b722d2071c792b9f7970ed621c39c',
  // Keyed on hello's and tok's output digests: pins what the dataset and tokenizer produce too.
  shout: '26427dc3020f03fdbf817bffb0126d8dc72fbf57f3945ac7b9a490310003d6e4',
};

void test('cache keys of a small real pipeline are pinned (caches survive refactors)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-pinned-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'pinned.yaml'), PIPELINE);
  await writeFile(join(dir, 'data.jsonl'), jsonl(60));
  await writeFile(join(dir, 'words.txt'), 'some words\n');
  const loaded = await loadPipeline(join(dir, 'pinned.yaml'));
  assert.ok(loaded.graph, JSON.stringify(loaded.diagnostics));
  const summary = await runPipeline(loaded.graph, {
    cache: new MemoryCache(),
    jobs: 1,
    backend: 'cpu',
    resultsDir: join(dir, 'results'),
    writeLockFile: false,
    // In process: the keys do not depend on where a node runs, and no worker build is needed.
    workerFor: () => false,
  });
  assert.ok(summary.ok, JSON.stringify(summary.failures));
  const keys = Object.fromEntries([...summary.nodes].map(([id, r]) => [id, r.key]));
  assert.deepEqual(keys, PINNED);
});

/**
 * The library API as a program uses it: everything here comes from the package entry
 * (src/index.ts, package.json `main`), nothing from inside the package.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cachedResult,
  formatDiagnostics,
  FsCache,
  jsonBlobs,
  loadPipeline,
  loadPipelineText,
  planPipeline,
  readJsonBlob,
  registry,
  runNode,
  runPipeline,
  PlanError,
  type ExecutorEvent,
  type FilesManifest,
} from '../src/index.js';

const PIPELINE = `version: 1
name: lib
params:
  n: 2
nodes:
  count:
    uses: shell
    with:
      run: printf '{"n":%s}' \${params.n} > count.json
      outputs: [count.json]
  rows:
    uses: shell
    with:
      run: printf '{"i":1}\\n{"i":2}\\n' > rows.jsonl && cat count.json > /dev/null
      outputs: [rows.jsonl]
      after: ["\${count}"]
`;

void test('a program loads, validates, plans and runs a pipeline, then reads results, through the package entry only', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-lib-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'lib.yaml');
  await writeFile(file, PIPELINE);

  const bad = await loadPipelineText(file, PIPELINE.replace('uses: shell', 'uses: shel'));
  assert.equal(bad.graph, undefined);
  assert.match(formatDiagnostics(bad.diagnostics, bad.sources), /lib\.yaml:7:\d+: .*shel.*did you mean `shell`/);

  const { graph, diagnostics } = await loadPipeline(file, { sets: ['n=5'] });
  assert.deepEqual(diagnostics, []);
  assert.ok(graph);
  assert.deepEqual([...graph.nodes.keys()], ['count', 'rows']);
  assert.ok(registry.has('shell') && registry.has('model/train'), 'the node type catalogue');

  const cache = new FsCache(join(dir, 'cache'));
  const before = await planPipeline(graph, { cache });
  assert.deepEqual(before.map((e) => [e.id, e.action, e.reasons]), [['count', 'run', ['new']], ['rows', 'run', ['new']]]);

  const events: ExecutorEvent[] = [];
  const summary = await runPipeline(graph, { cache, jobs: 2, resultsDir: join(dir, 'results'), logger: { onEvent: (e) => events.push(e) } });
  assert.equal(summary.ok, true, JSON.stringify(summary.failures));
  assert.deepEqual(summary.counts.succeeded, 2);
  assert.ok(events.some((e) => e.kind === 'status' && e.node === 'rows' && e.status === 'succeeded'));
  assert.deepEqual((await planPipeline(graph, { cache })).map((e) => e.action), ['cached', 'cached']);

  const count = await cachedResult(graph, 'count', cache);
  assert.equal(count?.current, true);
  const files = count!.record.outputs.files!.manifest as FilesManifest;
  assert.deepEqual(await readJsonBlob(cache, files.files['count.json']!), { n: 5 });
  const rows = await cachedResult(graph, 'rows', cache);
  assert.deepEqual(await jsonBlobs(cache, rows!.record.outputs.files!.manifest), { '/files/rows.jsonl': [{ i: 1 }, { i: 2 }] });

  // One node on its own, as a cluster job would: cached here, so nothing runs.
  const one = await runNode(graph, 'rows', { cache, resultsDir: join(dir, 'results') });
  assert.deepEqual([one.counts.cached, one.counts.succeeded], [2, 0]);
  const fresh = new FsCache(join(dir, 'other-cache'));
  await assert.rejects(runNode(graph, 'rows', { cache: fresh, writeLockFile: false }), (e: Error) => e instanceof PlanError && /rows depends on a node not in the cache/.test(e.message));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnosticsOf, loadText, yaml } from '../util/dsl-schemas.js';

void test('resources: gpu, cpus, mem (to MiB) and time (to seconds), with params substituted; retries and retry', async () => {
  const r = await loadText(yaml`
    version: 1
    name: t
    executor: slurm
    params: {mem: 8G, tries: 2}
    nodes:
      m:
        uses: util/echo
        resources: {gpu: 1, cpus: 4, mem: "\${params.mem}", time: 1h30m}
        retries: \${params.tries}
        retry: {mem: x2, time: 1.5}
      e:
        uses: util/echo
        resources: {time: "02:00:00", mem: 512}
  `);
  assert.deepEqual(r.diagnostics, []);
  const g = r.graph!;
  assert.equal(g.executor, 'slurm');
  const m = g.nodes.get('m')!;
  assert.deepEqual({ ...m.resources }, { gpu: 1, cpus: 4, mem: 8192, time: 5400 });
  assert.equal(m.retries, 2);
  assert.deepEqual(m.retry, { mem: 2, time: 1.5 });
  const e = g.nodes.get('e')!;
  assert.deepEqual({ ...e.resources }, { time: 7200, mem: 512 });
  assert.equal(e.retries, undefined, 'absent: the executor decides');
  assert.equal(e.retry, undefined);
});

void test('bad requests are located errors naming the node, after substitution too', async () => {
  assert.equal(
    await diagnosticsOf(yaml`
      version: 1
      name: t
      params: {n: -2}
      nodes:
        m:
          uses: util/echo
          resources: {mem: lots, time: soon, cpus: "\${params.n}"}
          retries: \${params.n}
          retry: {mem: half}
    `),
    [
      'test.yaml:7:22: error: node `m` (util/echo): resource `mem` must be a size such as 16G, 512M or 2048 (MiB), got string "lots"',
      '        resources: {mem: lots, time: soon, cpus: "${params.n}"}',
      '                         ^~~~',
      'test.yaml:7:34: error: node `m` (util/echo): resource `time` must be a duration such as 2h, 30m, 1h30m, 1d or 02:00:00, greater than 0, got string "soon"',
      '        resources: {mem: lots, time: soon, cpus: "${params.n}"}',
      '                                     ^~~~',
      'test.yaml:7:46: error: node `m` (util/echo): resource `cpus` must be an integer >= 1, got integer -2',
      '        resources: {mem: lots, time: soon, cpus: "${params.n}"}',
      '                                                 ^~~~~~~~~~~~~',
      'test.yaml:8:14: error: node `m` (util/echo): `retries` must be an integer >= 0, got integer -2',
      '        retries: ${params.n}',
      '                 ^~~~~~~~~~~',
      'test.yaml:9:18: error: node `m` (util/echo): `retry.mem` must be a factor such as x2 or 1.5 (at least 1), got string "half"',
      '        retry: {mem: half}',
      '                     ^~~~',
      '',
    ].join('\n'),
  );
});

void test('literal mistakes are caught by the pipeline schema: executor, cpus, retries, retry keys', async () => {
  assert.equal(
    await diagnosticsOf(yaml`
      version: 1
      name: t
      executor: cluster
      nodes:
        m:
          uses: util/echo
          resources: {cpus: 0}
          retries: -1
          retry: {gpu: x2}
    `),
    [
      'test.yaml:3:11: error: `executor` must be one of `local`, `slurm`, got string "cluster"',
      '    executor: cluster',
      '              ^~~~~~~',
      'test.yaml:7:23: error: node `m`: `resources.cpus` must be >= 1, got integer 0',
      '        resources: {cpus: 0}',
      '                          ^',
      'test.yaml:8:14: error: node `m`: `retries` must be >= 0, got integer -1',
      '        retries: -1',
      '                 ^~',
      'test.yaml:9:13: error: unknown key `gpu` in `nodes.m.retry`',
      '        retry: {gpu: x2}',
      '                ^~~',
      '',
    ].join('\n'),
  );
});

/**
 * Node warnings: reported as they happen, listed in the run summary with their node, logged,
 * kept in the run record, and repeated (marked) when a later run reuses the cached result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { makeRig, statuses } from '../util/exec-rig.js';

void test('a warning reaches the logger, the summary and the record; a cached rerun repeats it', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const g = rig.graph({
    a: { type: 'fake/const', params: { value: 1 } },
    w: { type: 'fake/warn', params: { warnings: ['model no better than the majority class', 'second'] }, inputs: { xs: ['a'] } },
    quiet: { type: 'fake/warn', params: { warnings: [] } },
  });
  const first = await rig.run(g);
  assert.equal(first.ok, true, 'a warning does not fail the node');
  assert.deepEqual(first.warnings, [
    { node: 'w', message: 'model no better than the majority class' },
    { node: 'w', message: 'second' },
  ]);
  assert.deepEqual(
    rig.events.filter((e) => e.kind === 'warning'),
    [
      { kind: 'warning', node: 'w', message: 'model no better than the majority class' },
      { kind: 'warning', node: 'w', message: 'second' },
    ],
  );
  const log = first.nodes.get('w')?.logFile;
  assert.ok(log, 'the node has a log file');
  assert.match(await readFile(log, 'utf8'), /warning: model no better than the majority class/);
  const key = first.nodes.get('w')!.key!;
  const record = (await rig.cache.get(key))!.record;
  assert.deepEqual(record.runs?.at(-1)?.facts?.warnings, ['model no better than the majority class', 'second']);
  assert.equal((await rig.cache.get(first.nodes.get('quiet')!.key!))!.record.runs?.at(-1)?.facts?.warnings, undefined);

  const second = await rig.run(g);
  assert.deepEqual(statuses(second), { a: 'cached', w: 'cached', quiet: 'cached' });
  assert.deepEqual(second.warnings, [
    { node: 'w', message: 'model no better than the majority class (from its cached run)' },
    { node: 'w', message: 'second (from its cached run)' },
  ]);
});

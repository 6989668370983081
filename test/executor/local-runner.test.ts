import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeRig, statuses } from '../util/exec-rig.js';

void test('locally, cpus/mem/time are Slurm requests and ignored; a pool no one has still fails the plan', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const ok = await rig.run(rig.graph({ a: { type: 'fake/const', params: { value: 1 }, resources: { cpus: 4, mem: 16384, time: 7200 } } }));
  assert.deepEqual(statuses(ok), { a: 'succeeded' });
  await assert.rejects(
    rig.run(rig.graph({ b: { type: 'fake/const', params: { value: 2 }, resources: { license: 1 } } })),
    /node b: needs license: 1 but the license pool has 0 slots/,
  );
  await assert.rejects(rig.run(rig.graph({ c: { type: 'fake/const', params: { value: 3 }, resources: { gpu: 1 } } }), { gpuSlots: [] }), /node c: needs gpu: 1 but the gpu pool has 0 slots/);
});

void test('retries: a failed node runs again, with a warning per failed attempt; without retries it fails', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  // Fails on its first run in a folder, succeeds on the second.
  const flaky = (retries: number | undefined, tag: string) => {
    const g = rig.graph({ f: { type: 'shell', params: { run: `n=$(cat ${tag} 2>/dev/null || echo 0); echo $((n+1)) > ${tag}; [ "$n" -ge 1 ]` } } });
    if (retries !== undefined) g.nodes.get('f')!.retries = retries;
    return g;
  };
  const once = await rig.run(flaky(undefined, 'count-a'));
  assert.deepEqual(statuses(once), { f: 'failed' });

  rig.events.length = 0;
  const retried = await rig.run(flaky(2, 'count-b'));
  assert.deepEqual(statuses(retried), { f: 'succeeded' });
  assert.equal(await readFile(join(rig.dir, 'count-b'), 'utf8'), '2\n', 'ran twice, not three times');
  const warnings = rig.events.filter((e) => e.kind === 'warning').map((e) => (e as { message: string }).message);
  assert.deepEqual(warnings, ['attempt 1 of 3 failed: command exited with code 1 with no output']);
});

void test('a node still waiting for a GPU slot when another fails (no-new) is cancelled, not failed', async (t) => {
  let open!: () => void;
  const gate = { wait: new Promise<void>((r) => (open = r)) };
  const rig = await makeRig({ gate });
  t.after(() => rig.cleanup());
  // `hold` takes the only slot and keeps it until the gate opens; once `x` is done, `wait`
  // queues for the slot and `f` fails.
  const running = rig.run(
    rig.graph({
      hold: { type: 'fake/wait', params: { value: 1 }, resources: { gpu: 1 } },
      wait: { type: 'fake/const', params: { value: 2 }, resources: { gpu: 1 }, needs: ['x'] },
      x: { type: 'fake/const', params: { value: 3 } },
      f: { type: 'fake/fail', needs: ['x'] },
    }),
    { gpuSlots: ['0'], workerFor: () => false }, // fake types exist only in this process
  );
  // Open the gate only once `f` has failed (however long a loaded machine takes to get there):
  // opening it earlier would let `wait` take the slot before the failure.
  const deadline = Date.now() + 120_000;
  while (!rig.events.some((e) => e.kind === 'status' && e.node === 'f' && e.status === 'failed') && Date.now() < deadline) await sleep(10);
  open();
  const s = await running;
  assert.deepEqual(statuses(s), { hold: 'succeeded', wait: 'cancelled', x: 'succeeded', f: 'failed' });
  assert.equal(s.nodes.get('wait')?.message, 'the run stopped after a failure');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRig, statuses } from '../util/exec-rig.js';

// f fails; w is running when it fails (it waits for a gate opened by the test after the failure);
// late is independent but can only start after w (a slot is free only then: -j 2);
// down depends on f.
function specs() {
  return {
    f: { type: 'fake/fail' },
    w: { type: 'fake/wait', params: { value: 'w' } },
    late: { type: 'fake/const', params: { value: 'late' }, needs: ['w'] },
    down: { type: 'fake/sum', inputs: { xs: ['f'] } },
  };
}

async function runWithGate(policy: 'no-new' | 'continue') {
  let open!: () => void;
  const gate = { wait: new Promise<void>((r) => (open = r)) };
  const rig = await makeRig({ gate });
  const failed = new Promise<void>((resolve) => {
    const orig = rig.events.push.bind(rig.events);
    rig.events.push = (...items) => {
      for (const e of items) if (e.kind === 'status' && e.status === 'failed') resolve();
      return orig(...items);
    };
  });
  const running = rig.run(rig.graph(specs()), { policy, jobs: 2 });
  await failed;
  open();
  const s = await running;
  await rig.cleanup();
  return s;
}

void test('default policy no-new: running nodes finish, nothing new starts, dependents are skipped', async () => {
  const s = await runWithGate('no-new');
  assert.equal(s.ok, false);
  assert.deepEqual(statuses(s), { f: 'failed', w: 'succeeded', late: 'cancelled', down: 'skipped' });
  assert.deepEqual(s.failures.map((f) => f.id), ['f']);
});

void test('keep-going (continue): everything not downstream of the failure runs', async () => {
  const s = await runWithGate('continue');
  assert.deepEqual(statuses(s), { f: 'failed', w: 'succeeded', late: 'succeeded', down: 'skipped' });
});

void test('an aborted signal (Ctrl-C) cancels running nodes and reports interrupted', async () => {
  const gate = { wait: new Promise<void>(() => undefined) };
  const rig = await makeRig({ gate });
  const ac = new AbortController();
  const running = rig.run(rig.graph({ w: { type: 'fake/wait' }, after: { type: 'fake/const', params: { value: 1 }, needs: ['w'] } }), { signal: ac.signal });
  while (!rig.events.some((e) => e.kind === 'status' && e.status === 'running')) await new Promise((r) => setTimeout(r, 5));
  ac.abort();
  const s = await running;
  await rig.cleanup();
  assert.equal(s.interrupted, true);
  assert.deepEqual(statuses(s), { w: 'cancelled', after: 'cancelled' });
});

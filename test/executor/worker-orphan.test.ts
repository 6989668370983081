/**
 * Issue 8, faults: a run killed outright (SIGKILL) while a tensor node trains in a worker. The
 * worker must die with it, and a rerun started at once must not train the same key beside the
 * orphan: the key's lock names the worker as a holder, so the rerun waits until it is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidAlive as alive } from '../../src/executor/fs-lock.js';
import { startCli } from '../util/exec-cli.js';

/** Live worker processes of this cache (found with ps: independent of what the locks record). */
function workers(cacheDir: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes('worker-entry.js') && l.includes(cacheDir))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .filter(alive);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

void test('SIGKILL of run during a worker node: the worker dies with it; a rerun never trains the same key beside it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-orphan-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta'];
  const rows = Array.from({ length: 80 }, (_, i) => JSON.stringify({ text: `${words[i % 8]} ${words[(i * 3) % 8]} ${words[(i * 5) % 8]}`, label: i % 2 }));
  await writeFile(join(dir, 'data.jsonl'), rows.join('\n') + '\n');
  await writeFile(
    join(dir, 'p.yaml'),
    `version: 1
name: orphan
nodes:
  data:
    uses: dataset/jsonl
    with: {path: data.jsonl, train: 0.8, validation: 0.1, test: 0.1, calibration: 8}
  tok:
    uses: tokenizer/wordpiece
    with: {data: "\${data}", vocab_size: 40, min_frequency: 1, max_length: 8}
  train:
    uses: model/train
    # far more epochs than the test waits for: it is killed while training
    with: {data: "\${data}", tokenizer: "\${tok}", layers: 1, hidden: 8, heads: 1, intermediate: 8, epochs: 100000, batch_size: 8}
`,
  );
  const cacheDir = join(dir, 'cache');
  // One WASM thread count for every node, so that one worker serves tok, then train (under
  // --wasm-threads auto, train alone would get a worker of its own beside tok's idle one).
  const args = ['run', 'p.yaml', '--cache-dir', cacheDir, '--wasm-threads', '1'];
  const first = startCli(dir, args);
  // data and tok are stored first; the worker holding a key after that is train's.
  const stored = async (): Promise<number> => (await readdir(join(cacheDir, 'index')).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).length;
  const worker = await until('the training worker', async () => ((await stored()) === 2 ? workers(cacheDir)[0] : undefined));
  assert.ok(alive(worker));
  process.kill(-(first.child.pid as number), 'SIGKILL');
  assert.equal((await first.done).signal, 'SIGKILL');

  // At once, as a user would: the rerun finds the key locked by the live orphan and waits.
  const second = startCli(dir, args);
  t.after(() => {
    if (second.child.exitCode === null) process.kill(-(second.child.pid as number), 'SIGKILL');
  });
  const next = await until('the rerun to train', async () => workers(cacheDir).find((p) => p !== worker), 60_000);
  assert.equal(alive(worker), false, 'the orphaned worker was gone before the rerun started training the same key');
  assert.ok(alive(next));
  assert.equal(await stored(), 2, 'train never finished: the orphan was stopped, not left to complete');

  // A clean stop of the rerun stops its worker too.
  process.kill(second.child.pid as number, 'SIGINT');
  const stopped = await second.done;
  assert.equal(stopped.code, 130, stopped.stderr);
  await until('the rerun worker to stop', async () => (alive(next) ? undefined : true), 30_000);
});

void test('SIGKILL of run during a shell command: a rerun waits for the command to be stopped before running it again', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-orphan-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // Each start notes whether the previous command is still alive (a zombie is not: here the
  // orphan's new parent may never reap it): it must never be. The command takes 3 s to clean
  // up when stopped, as real ones do.
  await writeFile(
    join(dir, 'p.yaml'),
    `version: 1
name: twice
nodes:
  long:
    uses: shell
    with:
      run: >-
        p=$(cat cmd.pid 2>/dev/null); if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
        case "$(cat /proc/$p/stat 2>/dev/null)" in *") Z "*) ;; *) echo overlap >> runs.log;; esac; fi;
        echo start >> runs.log; echo $$ > cmd.pid; trap 'sleep 3; exit 1' TERM; sleep 60
`,
  );
  const first = startCli(dir, ['run', 'p.yaml']);
  await until('the command', async () => ((await readdir(dir)).includes('cmd.pid') ? true : undefined));
  process.kill(-(first.child.pid as number), 'SIGKILL');
  await first.done;
  const second = startCli(dir, ['run', 'p.yaml']);
  t.after(() => {
    if (second.child.exitCode === null) process.kill(-(second.child.pid as number), 'SIGKILL');
  });
  const log = async (): Promise<string> => readFile(join(dir, 'runs.log'), 'utf8').catch(() => '');
  await until('the rerun to start the command', async () => ((await log()).split('start').length - 1 >= 2 ? true : undefined), 60_000);
  assert.equal(await log(), 'start\nstart\n', 'the second start saw no live first command');
  process.kill(second.child.pid as number, 'SIGINT');
  assert.equal((await second.done).code, 130);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireFileLock, pidAlive } from '../../src/executor/fs-lock.js';

/** A pid that certainly ran and is gone (reaped). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

void test('a lock is taken over only when its holder and every process working for it are dead', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'locks'));
  const path = join(dir, 'locks', 'k.lock');
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => sleeper.kill('SIGKILL'));
  const gone = deadPid();
  assert.equal(pidAlive(gone), false);
  // As a coordinator killed with SIGKILL leaves it: its own pid dead, its worker alive.
  await writeFile(path, JSON.stringify({ pid: gone, host: hostname(), token: 't', since: '', also: [sleeper.pid] }));
  assert.equal(await acquireFileLock(path, { once: true }), undefined, 'the live worker keeps the key locked');
  sleeper.kill('SIGKILL');
  await new Promise((r) => sleeper.once('exit', r));
  const taken = await acquireFileLock(path, { once: true });
  assert.ok(taken, 'taken over once the worker is gone too');
  await taken.release();
});

void test('addHolder records the worker in the lock file; release removes it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'locks', 'k.lock');
  const lock = await acquireFileLock(path);
  await lock.addHolder(process.pid);
  const owner = JSON.parse(await readFile(path, 'utf8')) as { pid: number; also: number[] };
  assert.equal(owner.pid, process.pid);
  assert.deepEqual(owner.also, [process.pid]);
  await lock.release();
  await assert.rejects(readFile(path), /ENOENT/);
});

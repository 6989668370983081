/**
 * Cross-process exclusive locks as files. The lock file is written in full to a temp file and
 * then hard-linked into place (link fails with EEXIST when held), so a lock file is never seen
 * half-written. It records pid, host and a random token, plus the processes doing the work for
 * the holder (`also`: a worker subprocess, a shell command's process): a waiter takes the lock
 * over only when every one of them is dead on this host, so a coordinator killed with SIGKILL
 * does not let a rerun start the same key while its worker still runs. Locks still held at
 * process exit are removed then, so Ctrl-C never leaves a live-looking lock behind.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempPathFor } from './atomic-write.js';
import type { Lock } from './cache.js';

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  since: string;
  /** Other processes working for the holder; the lock is live while any of them lives. */
  also?: number[];
}

const held = new Map<string, string>(); // path -> token
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const path of held.keys()) {
      try {
        unlinkSync(path);
      } catch {
        /* already gone */
      }
    }
  });
}

/**
 * Whether a process runs. A zombie (dead, not yet reaped) counts as dead: an orphan reparented
 * to a container's init that never reaps would otherwise hold its lock forever.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux: the state follows the parenthesised command name in /proc/PID/stat.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(0) is all we know
  }
}

async function readOwner(path: string): Promise<{ text: string; owner: LockOwner | undefined } | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    try {
      return { text, owner: JSON.parse(text) as LockOwner };
    } catch {
      return { text, owner: undefined };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function isStale(owner: LockOwner | undefined): boolean {
  // A lock file we cannot parse was not written by us (we link complete files): treat as stale.
  if (!owner || typeof owner !== 'object' || typeof owner.pid !== 'number') return true;
  // Another host's pid cannot be checked from here; wait for it (shared-filesystem caches).
  if (owner.host !== hostname()) return false;
  const also = Array.isArray(owner.also) ? owner.also.filter((p): p is number => typeof p === 'number') : [];
  return ![owner.pid, ...also].some(pidAlive);
}

/** Remove a stale lock without ever removing a live one that replaced it meanwhile. */
async function breakStale(path: string, staleText: string): Promise<void> {
  const aside = tempPathFor(path) + '.stale';
  try {
    await rename(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = await readFile(aside, 'utf8').catch(() => '');
  if (moved !== staleText) {
    // Someone took the lock between our read and our rename: put theirs back.
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

export interface LockOptions {
  signal?: AbortSignal;
  pollMs?: number;
}

/** Waits until the lock is free, or with `once` gives undefined when a live holder has it. */
export async function acquireFileLock(path: string, options: LockOptions & { once: true }): Promise<Lock | undefined>;
export async function acquireFileLock(path: string, options?: LockOptions): Promise<Lock>;
export async function acquireFileLock(path: string, options: LockOptions & { once?: boolean } = {}): Promise<Lock | undefined> {
  const poll = options.pollMs ?? 50;
  const token = randomBytes(8).toString('hex');
  const owner: LockOwner = { pid: process.pid, host: hostname(), token, since: new Date().toISOString() };
  await mkdir(dirname(path), { recursive: true });
  const staged = tempPathFor(path);
  await writeFile(staged, JSON.stringify(owner));
  installExitHook();
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      try {
        await link(staged, path);
        held.set(path, token);
        return {
          release: () => releaseFileLock(path, token),
          addHolder: async (pid) => addHolder(path, owner, pid),
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const current = await readOwner(path);
      if (current && isStale(current.owner)) {
        await breakStale(path, current.text);
        continue;
      }
      if (options.once && current) return undefined;
      await sleep(poll);
    }
  } finally {
    await unlink(staged).catch(() => undefined);
  }
}

/**
 * Record `pid` as working for this lock's holder: the file is rewritten whole (temp + rename,
 * so a reader never sees it half-written), only while it is still ours. Synchronous on purpose:
 * it is called right after a spawn, and must be on disk before this process can be killed
 * with the child alive but unrecorded.
 */
function addHolder(path: string, owner: LockOwner, pid: number): void {
  if (held.get(path) !== owner.token) return;
  owner.also = [...(owner.also ?? []).filter(pidAlive), pid];
  const staged = tempPathFor(path);
  try {
    writeFileSync(staged, JSON.stringify(owner));
    const current = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner> | null;
    if (current?.token === owner.token) renameSync(staged, path);
  } catch {
    /* the lock file went away (released meanwhile): nothing to record */
  } finally {
    try {
      unlinkSync(staged);
    } catch {
      /* renamed into place */
    }
  }
}

async function releaseFileLock(path: string, token: string): Promise<void> {
  if (held.get(path) !== token) return;
  held.delete(path);
  const current = await readOwner(path);
  if (current?.owner?.token === token) await unlink(path).catch(() => undefined);
}

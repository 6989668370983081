/**
 * Running a job in a worker subprocess: `node worker-entry.js <job.json> --cache-dir D --owner PID` (both
 * ends of the protocol live here in the executor) through execa, with IPC carrying progress,
 * log lines and the outcome. The worker runs in its own process group so that stopping it
 * (Ctrl-C, `kill` policy) also stops whatever it started. The parent holds the key's lock; the
 * worker writes the index record itself.
 */
import { appendFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Progress } from '../artifacts/types.js';
import type { Cache, IndexRecord } from './cache.js';
import type { Job } from './job.js';
import { terminateGroup } from '../process-group.js';
import type { WorkerMessage } from './worker-protocol.js';

export interface WorkerOptions {
  cache: Cache;
  signal: AbortSignal;
  env: Record<string, string>;
  onProgress?: (p: Progress) => void;
  onLog?: (line: string) => void;
  /** The worker process started (its pid), and any process the node started inside it. */
  onSpawn?: (pid: number) => void;
  onWarning?: (message: string) => void;
}

/** Grace between SIGTERM and SIGKILL when stopping a worker's process group. */
const KILL_GRACE_MS = 3000;

/** The worker's entry script, compiled next to this module (works from any build output folder). */
export const WORKER_ENTRY = fileURLToPath(new URL('./worker-entry.js', import.meta.url));

export async function runInWorker(job: Job, o: WorkerOptions): Promise<IndexRecord> {
  const dir = o.cache.dir;
  if (dir === undefined) throw new Error(`node ${job.nodeId}: worker nodes need a cache on disk (--cache-dir)`);
  o.signal.throwIfAborted();
  const scratch = await o.cache.makeTmpDir();
  const jobFile = join(scratch, 'job.json');
  await writeFile(jobFile, JSON.stringify(job, null, 2));
  // Loaded on first use: a warm rerun that runs nothing never pays for execa's import.
  const { execa } = await import('execa');
  // --owner: the worker dies when this process does (worker-watchdog.ts).
  const child = execa(process.execPath, [WORKER_ENTRY, jobFile, '--cache-dir', dir, '--owner', String(process.pid)], {
    ipc: true,
    env: o.env,
    detached: true,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    cwd: job.pipelineDir,
  });
  if (child.pid !== undefined) o.onSpawn?.(child.pid);
  const tail: string[] = [];
  const capture = (chunk: Buffer): void => {
    const text = chunk.toString();
    appendFileSync(job.logFile, text);
    for (const l of text.split('\n')) if (l.trim() !== '') tail.push(l);
    if (tail.length > 20) tail.splice(0, tail.length - 20);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);

  let killTimer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    killTimer = terminateGroup(child.pid, KILL_GRACE_MS);
  };
  o.signal.addEventListener('abort', stop, { once: true });

  let result: { key: string } | undefined;
  let failure: { message: string; name: string } | undefined;
  const messages = (async () => {
    for await (const raw of child.getEachMessage()) {
      const m = raw as WorkerMessage;
      if (m.kind === 'progress') o.onProgress?.(m.progress);
      else if (m.kind === 'log') o.onLog?.(m.line);
      else if (m.kind === 'spawned') o.onSpawn?.(m.pid);
      else if (m.kind === 'warning') o.onWarning?.(m.message);
      else if (m.kind === 'result') result = { key: m.key };
      else if (m.kind === 'error') failure = { message: m.message, name: m.name };
    }
  })();
  try {
    const done = await child;
    await messages.catch(() => undefined);
    o.signal.throwIfAborted();
    if (failure) {
      // The worker already put an unexpected error's name in front of its message; keep only the
      // names the executor acts on, so the summary does not say `TypeError: TypeError: ...`.
      const err = new Error(failure.message);
      if (failure.name === 'NodeError' || failure.name === 'CorruptObjectError') err.name = failure.name;
      throw err;
    }
    if (done.exitCode !== 0 || !result) {
      const how = done.signal ? `was killed by ${done.signal}` : `exited with code ${String(done.exitCode)}`;
      throw new Error(`node ${job.nodeId}: worker ${how}${tail.length ? `; last output:\n  ${tail.slice(-5).join('\n  ')}` : ''}`);
    }
    const hit = await o.cache.get(result.key);
    if (!hit) throw new Error(`node ${job.nodeId}: worker finished but ${o.cache.description} has no record for its key`);
    return hit.record;
  } finally {
    o.signal.removeEventListener('abort', stop);
    if (killTimer && child.exitCode !== null) clearTimeout(killTimer);
    await rm(scratch, { recursive: true, force: true });
  }
}

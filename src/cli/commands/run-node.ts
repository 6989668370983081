/**
 * `layerfuse run-node JOB.json [--cache-dir D] [--locked] [--force]`: run one planned node
 * against the cache. The executor starts it for worker nodes (with --locked: the parent holds
 * the key's lock and reads the result over IPC); by hand or as a cluster job it takes the lock
 * itself and skips the work when the key is already cached.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FsCache } from '../../executor/fs-cache.js';
import { parseJob } from '../../executor/job.js';
import { runJob } from '../../executor/run-job.js';
import type { WorkerMessage } from '../../executor/worker-client.js';
import { getNodeType } from '../../nodes/registry.js';
import { writeErr, writeOut } from '../output.js';

const USAGE = 'usage: layerfuse run-node JOB.json [--cache-dir DIR] [--locked] [--force]\n';

/** Resolves once the message is handed to the channel, so disconnecting cannot drop it. */
function send(m: WorkerMessage): Promise<void> {
  return new Promise((done) => {
    if (!process.send || !process.connected) return done();
    process.send(m, undefined, {}, () => done());
  });
}

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'cache-dir': { type: 'string', default: 'cache' },
        locked: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    writeErr(`layerfuse run-node: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    writeOut(USAGE);
    return 0;
  }
  const [file] = args.positionals;
  if (file === undefined || args.positionals.length > 1) {
    writeErr(USAGE);
    return 2;
  }
  let job;
  try {
    job = parseJob(await readFile(file, 'utf8'), file);
  } catch (e) {
    writeErr(`layerfuse run-node: ${(e as Error).message}\n`);
    return 2;
  }
  const cache = new FsCache(resolve(args.values['cache-dir']));
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const lock = args.values.locked ? undefined : await cache.lock(job.key, controller.signal);
  try {
    if (!args.values.locked && !args.values.force && (await cache.get(job.key))) {
      writeOut(`${job.nodeId}: cached (${job.key})\n`);
      await send({ kind: 'result', key: job.key });
      return 0;
    }
    const record = await runJob(job, {
      cache,
      lookup: getNodeType,
      signal: controller.signal,
      worker: true,
      onProgress: (progress) => void send({ kind: 'progress', progress }),
    });
    await send({ kind: 'result', key: record.key });
    if (!process.send) {
      const outputs = Object.fromEntries(Object.entries(record.outputs).map(([p, o]) => [p, o.digest]));
      writeOut(JSON.stringify({ node: job.nodeId, key: record.key, outputs }, null, 2) + '\n');
    }
    return 0;
  } catch (e) {
    const err = e as Error;
    const message = err.name === 'NodeError' || err.name === 'Error' ? err.message : `${err.name}: ${err.message}`;
    await send({ kind: 'error', message, name: err.name });
    if (!process.send) writeErr(`layerfuse run-node: ${message}\n`);
    return controller.signal.aborted ? 130 : 1;
  } finally {
    await lock?.release();
    process.removeListener('SIGTERM', stop);
    process.removeListener('SIGINT', stop);
    // An open IPC channel would keep this process alive after main returns.
    if (process.connected) process.disconnect();
  }
}

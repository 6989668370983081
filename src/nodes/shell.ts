/**
 * `shell`: run a command through the shell in the pipeline's directory. Declared input files are
 * hashed into the key (editing one reruns the node); declared output files are stored in the
 * cache as a FilesManifest and restored to their paths on a cache hit, so a dependent shell
 * node always finds them. This makes layerfuse a general pipeline tool before any ML node.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { chmod, copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, resolve } from 'node:path';
import { NodeError, type BlobRef, type FilesManifest, type NodeContext, type NodeType, type RestoreContext } from './types.js';
import { terminateGroup } from '../process-group.js';

export interface ShellParams {
  run: string;
  inputs?: string[];
  outputs?: string[];
  publish?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

/** Lines of output quoted in a failure message. */
const TAIL_LINES = 10;

/**
 * The command runs in a shell that first starts a watchdog in the command's process group: it
 * polls this process every second and, once it is gone, stops the group. Without it a command
 * outlives a layerfuse killed with SIGKILL (or by the OOM killer), which cannot stop its
 * children itself, and may still be writing outputs when the rerun starts. The command is then
 * `eval`ed in that same shell (same $$, same exit status as `sh -c`); on exit the shell stops
 * the watchdog.
 */
function wrapped(ownerPid: number): string {
  const watchdog = `(while kill -0 ${ownerPid} 2>/dev/null; do sleep 1; done; kill -TERM 0) </dev/null >/dev/null 2>&1 &`;
  return `${watchdog} lf_watchdog=$!; trap 'kill $lf_watchdog 2>/dev/null' EXIT; eval "$LAYERFUSE_RUN"`;
}

/** "exited with code 3", or the signal a shell's 128+n status stands for. */
function describeExit(code: number | undefined, signal: string | undefined): string {
  if (signal) return `was killed by ${signal}`;
  if (code !== undefined && code > 128) {
    const name = Object.entries(osConstants.signals).find(([, n]) => n === code - 128)?.[0];
    if (name) return `was killed by ${name} (exit code ${code})`;
  }
  return `exited with code ${String(code)}`;
}
const KILL_GRACE_MS = 2000;

function normalizeRel(nodeId: string, path: string, what: string): string {
  if (isAbsolute(path)) throw new NodeError(`node ${nodeId}: ${what} '${path}' must be relative to the pipeline's directory`);
  return posix.normalize(path.replace(/\\/g, '/'));
}

async function listFiles(dir: string, rel: string, out: string[]): Promise<void> {
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) await listFiles(dir, child, out);
    else if (e.isFile()) out.push(child);
  }
}

async function runCommand(ctx: NodeContext, p: ShellParams): Promise<void> {
  const cwd = resolve(ctx.pipelineDir, p.cwd ?? '.');
  ctx.log(`$ ${p.run}`);
  // Own process group, so stopping the node stops everything the command started.
  // Loaded on first use: a warm rerun that runs nothing never pays for execa's import.
  const { execa } = await import('execa');
  const child = execa(wrapped(process.pid), {
    shell: true,
    cwd,
    env: { ...p.env, LAYERFUSE_RUN: p.run },
    detached: true,
    reject: false,
    stdin: 'ignore',
    buffer: false,
  });
  const tail: string[] = [];
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString();
    ctx.log(text.endsWith('\n') ? text.slice(0, -1) : text);
    for (const l of text.split('\n')) if (l !== '') tail.push(l);
    if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const kill = (): void => {
    terminateGroup(child.pid, KILL_GRACE_MS);
  };
  ctx.signal.addEventListener('abort', kill, { once: true });
  try {
    const r = await child;
    ctx.signal.throwIfAborted();
    if (r.exitCode !== 0) {
      const how = describeExit(r.exitCode, r.signal);
      const last = tail.length > 0 ? `; last output:\n  ${tail.join('\n  ')}` : ' with no output';
      throw new NodeError(`node ${ctx.nodeId}: command ${how}${last}`);
    }
  } finally {
    ctx.signal.removeEventListener('abort', kill);
  }
}

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function sameContent(path: string, ref: BlobRef): Promise<boolean> {
  try {
    const st = await stat(path);
    if (!st.isFile() || st.size !== ref.size) return false;
  } catch {
    return false;
  }
  return (await sha256(path)) === ref.$blob;
}

async function restoreFiles(ctx: RestoreContext, m: FilesManifest): Promise<void> {
  for (const [rel, ref] of Object.entries(m.files)) {
    const target = resolve(ctx.pipelineDir, rel);
    if (await sameContent(target, ref)) continue;
    await mkdir(dirname(target), { recursive: true });
    // Copy then rename, so a reader never sees half a file; the copy is hashed first so that a
    // corrupt object is refused (the executor then takes it out of the cache and reruns).
    const tmp = `${target}.layerfuse-${process.pid}.tmp`;
    await copyFile(ctx.blobPath(ref), tmp);
    if ((await sha256(tmp)) !== ref.$blob) {
      await rm(tmp, { force: true });
      throw new NodeError(`node ${ctx.nodeId}: cannot restore '${rel}': cache object ${ref.$blob} does not match its digest`);
    }
    await chmod(tmp, 0o644).catch(() => undefined);
    await rename(tmp, target);
  }
}

/** The declared output files that `publish` names (a file, or everything under a folder). */
function publishedFiles(nodeId: string, files: Record<string, BlobRef>, publish: readonly string[]): Record<string, BlobRef> {
  // Keyed by paths the author chose (`__proto__` is a file name like any other): no prototype.
  const out = Object.create(null) as Record<string, BlobRef>;
  for (const entry of publish) {
    const rel = normalizeRel(nodeId, entry, 'published path').replace(/\/$/, '');
    const matched = Object.keys(files).filter((f) => f === rel || f.startsWith(`${rel}/`));
    if (matched.length === 0) throw new NodeError(`node ${nodeId}: publish '${entry}' is not among its declared outputs (${Object.keys(files).join(', ') || 'none'})`);
    for (const f of matched) out[f] = files[f]!;
  }
  return out;
}

export const shellNode: NodeType<ShellParams> = {
  type: 'shell',
  // 2: the `results` output port (published files).
  version: 2,
  description: 'Run a shell command in the pipeline directory; declared input files join the key, declared outputs are cached and restored.',
  params: {
    run: { type: 'string', description: 'The command, run by the shell in the pipeline directory (or `cwd`).' },
    inputs: {
      type: 'array',
      items: { type: 'string' },
      default: [],
      description: 'Files the command reads (paths or globs with *, ?, ** relative to the pipeline directory); their content is part of the key.',
    },
    outputs: {
      type: 'array',
      items: { type: 'string' },
      default: [],
      description: 'Files or folders the command writes (relative to the pipeline directory); stored in the cache and restored on a hit.',
    },
    publish: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Output files or folders meant for people: copied to results/<pipeline>/<node id>/ (paths kept as written) on every run, cached or not.',
    },
    env: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Extra environment variables for the command (part of the key).',
    },
    cwd: { type: 'string', description: 'Directory to run in, relative to the pipeline directory (default: the pipeline directory).' },
  },
  required: ['run'],
  inputs: {
    after: { type: 'any', many: true, optional: true, description: 'Nodes to run first; their declared output files are in place before this command runs.' },
    data: { type: 'any', many: true, optional: true, description: 'Same as `after`, for nodes whose outputs this command reads.' },
  },
  outputs: {
    files: { type: 'files', description: 'The declared output files, keyed by path relative to the pipeline directory.' },
    results: { type: 'files', publish: true, description: 'The outputs named by `publish`, materialized into results/<pipeline>/<node id>/.' },
  },
  inputFiles: (p) => p.inputs ?? [],

  async run(ctx, p) {
    const outputs = (p.outputs ?? []).map((o) => normalizeRel(ctx.nodeId, o, 'output'));
    // A stale output from an earlier run must not pass for this run's result.
    for (const rel of outputs) await rm(resolve(ctx.pipelineDir, rel), { recursive: true, force: true });
    await runCommand(ctx, p);
    const files = Object.create(null) as Record<string, BlobRef>;
    for (const rel of outputs) {
      const abs = resolve(ctx.pipelineDir, rel);
      let st;
      try {
        st = await stat(abs);
      } catch {
        throw new NodeError(`node ${ctx.nodeId}: the command succeeded but did not write its declared output '${rel}'`);
      }
      const paths: string[] = [];
      if (st.isDirectory()) await listFiles(resolve(ctx.pipelineDir), rel, paths);
      else paths.push(rel);
      for (const f of paths.sort()) files[f] = await ctx.putFile(resolve(ctx.pipelineDir, f));
    }
    const manifest: FilesManifest = { files };
    const results: FilesManifest = { files: publishedFiles(ctx.nodeId, files, p.publish ?? []) };
    return { files: manifest, results };
  },

  async restore(ctx, _p, outputs) {
    await restoreFiles(ctx, outputs.files as FilesManifest);
  },
};

export const shellNodes: ReadonlyArray<NodeType<never>> = [shellNode as unknown as NodeType<never>];

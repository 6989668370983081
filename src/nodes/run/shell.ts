/** The `shell` node's run: the command, its declared outputs stored, the published subset. */
import { execa } from 'execa';
import { constants as osConstants } from 'node:os';
import { readdir, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, resolve } from 'node:path';
import { NodeError } from '../../artifacts/errors.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import type { BlobRef, FilesManifest } from '../../artifacts/types.js';
import { terminateGroup } from '../../process-group.js';
import { implement } from '../family.js';
import { shellNode, type ShellParams } from '../shell.js';

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

export default [
  implement(shellNode, async (ctx, p) => {
    const outputs = p.outputs.map((o) => normalizeRel(ctx.nodeId, o, 'output'));
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
  }),
];

/** The `shell` node's run: the command, its declared outputs stored, the published subset. */
import { execa } from 'execa';
import { constants as osConstants } from 'node:os';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NodeError } from '../../artifacts/errors.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import type { BlobRef, FilesManifest } from '../../artifacts/types.js';
import { confinedRelative, linkEscape, removeConfined } from '../../confined-path.js';
import { SH_ALIVE_FN, terminateGroup } from '../../process-group.js';
import type { NodeInputs } from '../../artifacts/inputs.js';
import { materializeInputs, withInputPaths } from './shell-inputs.js';
import { implement } from '../family.js';
import { shellNode, type ShellParams } from '../shell.js';

/** Lines of output quoted in a failure message. */
const TAIL_LINES = 10;

/**
 * A command reports progress by printing `::progress DONE/TOTAL [message]` on a line of its own
 * (stdout or stderr): it becomes the node's progress (the live bar on a terminal, a progress
 * line each epoch or 10 s elsewhere). Such lines stay in the log but out of a failure's tail.
 */
const PROGRESS_LINE = /^::progress\s+(\d+)\s*\/\s*(\d+)(?:\s+(.*))?$/;

/**
 * The command runs in a shell that first starts a watchdog in the command's process group: it
 * polls this process every second and, once it is gone, stops the group. Without it a command
 * outlives a layerfuse killed with SIGKILL (or by the OOM killer), which cannot stop its
 * children itself, and may still be writing outputs when the rerun starts. The command is then
 * `eval`ed in that same shell (same $$, same exit status as `sh -c`); on exit the shell stops
 * the watchdog.
 */
function wrapped(ownerPid: number): string {
  const watchdog = `(${SH_ALIVE_FN}; while lf_alive ${ownerPid}; do sleep 1; done; kill -TERM 0) </dev/null >/dev/null 2>&1 &`;
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

/**
 * A path param inside the pipeline folder, normalised. `validate` refuses the others already;
 * this guards the run itself (a graph built in code, a link created since validation).
 */
async function confined(ctx: NodeContext, path: string, what: string, allowRoot = false): Promise<string> {
  const c = confinedRelative(path, { allowRoot });
  if ('why' in c) throw new NodeError(`node ${ctx.nodeId}: ${what} '${path}' ${c.why}`);
  const escape = await linkEscape(ctx.pipelineDir, c.rel);
  if (escape) throw new NodeError(`node ${ctx.nodeId}: ${what} '${path}' leaves the pipeline folder: ${escape}`);
  return c.rel;
}

async function listFiles(dir: string, rel: string, out: string[]): Promise<void> {
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) await listFiles(dir, child, out);
    else if (e.isFile()) out.push(child);
  }
}

/** The `data` inputs as files (shell-inputs.ts), and the command with their paths filled in. */
async function prepareInputs(ctx: NodeContext, p: ShellParams, inputs: NodeInputs): Promise<{ command: string; env: Record<string, string> }> {
  const data = inputs.many('data');
  if (data.length === 0) return { command: p.run, env: {} };
  const { byName, env } = await materializeInputs(ctx, data, join(ctx.tmpDir, 'in'));
  for (const [name, m] of byName) ctx.log(`# input ${name}: ${m.path}`);
  return { command: withInputPaths(p.run, byName), env };
}

async function runCommand(ctx: NodeContext, p: ShellParams, inputs: NodeInputs): Promise<void> {
  const cwd = resolve(ctx.pipelineDir, await confined(ctx, p.cwd ?? '.', 'cwd', true));
  const { command, env } = await prepareInputs(ctx, p, inputs);
  ctx.log(`$ ${command}`);
  // Own process group, so stopping the node stops everything the command started.
  const child = execa(wrapped(process.pid), {
    shell: true,
    cwd,
    env: { ...env, ...p.env, LAYERFUSE_RUN: command },
    detached: true,
    reject: false,
    stdin: 'ignore',
    buffer: false,
  });
  if (child.pid !== undefined) ctx.spawned?.(child.pid);
  const tail: string[] = [];
  const unfinished: Array<() => string> = [];
  const reader = (): ((chunk: Buffer) => void) => {
    let partial = ''; // a line not ended yet: complete lines only, for the progress protocol
    unfinished.push(() => partial);
    return (chunk) => {
      const text = chunk.toString();
      ctx.log(text.endsWith('\n') ? text.slice(0, -1) : text);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        const p = PROGRESS_LINE.exec(l);
        if (p) ctx.progress({ done: Number(p[1]), total: Number(p[2]), ...(p[3] ? { message: p[3].trim() } : {}) });
        else if (l !== '') tail.push(l);
      }
      if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
    };
  };
  child.stdout?.on('data', reader());
  child.stderr?.on('data', reader());
  const kill = (): void => {
    terminateGroup(child.pid, KILL_GRACE_MS);
  };
  ctx.signal.addEventListener('abort', kill, { once: true });
  try {
    const r = await child;
    for (const last of unfinished) if (last() !== '') tail.push(last());
    if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
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
    const c = confinedRelative(entry);
    if ('why' in c) throw new NodeError(`node ${nodeId}: published path '${entry}' ${c.why}`);
    const rel = c.rel;
    const matched = Object.keys(files).filter((f) => f === rel || f.startsWith(`${rel}/`));
    if (matched.length === 0) throw new NodeError(`node ${nodeId}: publish '${entry}' is not among its declared outputs (${Object.keys(files).join(', ') || 'none'})`);
    for (const f of matched) out[f] = files[f]!;
  }
  return out;
}

export default [
  implement(shellNode, async (ctx, p, inputs) => {
    const outputs: string[] = [];
    for (const o of p.outputs) outputs.push(await confined(ctx, o, 'output'));
    // A stale output from an earlier run must not pass for this run's result. Never the
    // pipeline folder itself, nothing above it, nothing through a link out of it.
    for (const rel of outputs) await removeConfined(ctx.pipelineDir, rel, `node ${ctx.nodeId}`);
    await runCommand(ctx, p, inputs);
    const files = Object.create(null) as Record<string, BlobRef>;
    for (const rel of outputs) {
      // The command may have made an output a link out of the folder: storing what it points at
      // would later restore through it.
      await confined(ctx, rel, 'output');
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

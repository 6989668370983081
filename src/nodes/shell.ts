/**
 * `shell`: run a command through the shell in the pipeline's directory. Declared input files are
 * hashed into the key (editing one reruns the node); declared output files are stored in the
 * cache as a FilesManifest and restored to their paths on a cache hit, so a dependent shell
 * node always finds them. This makes layerfuse a general pipeline tool before any ML node.
 */
import type { CheckContext, NodeDecl } from '../artifacts/node-type.js';
import type { FilesManifest } from '../artifacts/types.js';
import { confinedRelative, linkEscape } from '../confined-path.js';
import { family } from './family.js';

export interface ShellParams {
  run: string;
  inputs: string[];
  outputs: string[];
  publish?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export const shellNode: NodeDecl<ShellParams> = {
  type: 'shell',
  // 2: the `results` output port (published files).
  version: 2,
  description: 'Run a shell command in the pipeline directory; declared input files join the key, declared outputs are cached and restored.',
  params: {
    run: {
      type: 'string',
      description: 'The command, run by the shell in the pipeline directory (or `cwd`); `${in.ID}` is the path of input ID (under `data`) as files.',
    },
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
    data: {
      type: 'any',
      many: true,
      optional: true,
      description:
        'Nodes whose outputs this command reads: run first, and each output written as files for it, at the path in $LAYERFUSE_IN_<ID> and `${in.ID}` in `run` (ID.PORT when a node gives several; $LAYERFUSE_INPUTS is a JSON index of all).',
    },
  },
  outputs: {
    files: { type: 'files', description: 'The declared output files, keyed by path relative to the pipeline directory.' },
    results: { type: 'files', publish: true, description: 'The outputs named by `publish`, materialized into results/<pipeline>/<node id>/.' },
  },
  inputPaths: { params: ['run'], ports: ['data'] },
  inputFiles: (p) => p.inputs,
  restore: (ctx, _p, outputs) => ctx.writeFiles(outputs.files as FilesManifest, ctx.pipelineDir),
  check: checkPaths,
};

/** The literal folders in front of a glob's first wildcard (`data/*.csv` -> `data`). */
function literalPrefix(pattern: string): string {
  const parts = pattern.split('/');
  const i = parts.findIndex((p) => /[*?]/.test(p));
  return (i === -1 ? parts : parts.slice(0, i)).join('/');
}

/**
 * Every path the node writes, deletes, reads or runs in stays inside the pipeline folder: a
 * declared output is deleted before the command runs, so `..` or `.` there would delete the
 * user's files. Lexically (after normalisation) and on disk (no link out of the folder on the way).
 */
async function checkPaths(ctx: CheckContext<ShellParams>): Promise<void> {
  const p = ctx.params;
  /** The paths of `list` that are inside, by index; the others are reported. */
  const check = async (list: readonly string[] | undefined, what: string, at: string, glob = false): Promise<Map<number, string>> => {
    const ok = new Map<number, string>();
    for (const [i, path] of (list ?? []).entries()) {
      const c = confinedRelative(path);
      if ('why' in c) {
        ctx.error(`${what} '${path}' ${c.why}; ${what}s must stay inside the pipeline folder`, `${at}.${i}`);
        continue;
      }
      const escape = await linkEscape(ctx.pipelineDir, glob ? literalPrefix(c.rel) : c.rel);
      if (escape) ctx.error(`${what} '${path}' leaves the pipeline folder: ${escape}`, `${at}.${i}`);
      else ok.set(i, c.rel);
    }
    return ok;
  };
  const outputs = [...(await check(p.outputs, 'output', 'outputs')).values()];
  await check(p.inputs, 'input', 'inputs', true);
  for (const [i, rel] of await check(p.publish, 'published path', 'publish')) {
    if (!outputs.some((o) => rel === o || rel.startsWith(`${o}/`) || o.startsWith(`${rel}/`))) {
      ctx.error(`published path '${p.publish?.[i] ?? rel}' is not among its declared outputs (${p.outputs.join(', ') || 'none'})`, `publish.${i}`);
    }
  }
  if (p.cwd !== undefined) {
    const c = confinedRelative(p.cwd, { allowRoot: true });
    if ('why' in c) ctx.error(`cwd '${p.cwd}' ${c.why}; the command runs inside the pipeline folder`, 'cwd');
    else {
      const escape = await linkEscape(ctx.pipelineDir, c.rel);
      if (escape) ctx.error(`cwd '${p.cwd}' leaves the pipeline folder: ${escape}`, 'cwd');
    }
  }
}

export const shellNodes = family([shellNode], () => import('./run/shell.js'));

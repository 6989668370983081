/**
 * `shell`: run a command through the shell in the pipeline's directory. Declared input files are
 * hashed into the key (editing one reruns the node); declared output files are stored in the
 * cache as a FilesManifest and restored to their paths on a cache hit, so a dependent shell
 * node always finds them. This makes layerfuse a general pipeline tool before any ML node.
 */
import type { NodeDecl } from '../artifacts/node-type.js';
import type { FilesManifest } from '../artifacts/types.js';
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
  inputFiles: (p) => p.inputs,
  restore: (ctx, _p, outputs) => ctx.writeFiles(outputs.files as FilesManifest, ctx.pipelineDir),
};

export const shellNodes = family([shellNode], () => import('./run/shell.js'));

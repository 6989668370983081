/**
 * `layerfuse explain PIPELINE NODE`: the node's cache key components, pretty: what its key is
 * made of, whether it is cached, and how it differs from the last run in the lock file.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PlanError } from '../../executor/errors.js';
import { FsCache } from '../../executor/fs-cache.js';
import { diffComponents } from '../../executor/key.js';
import { planPipeline } from '../../executor/planner.js';
import { prettyCanonicalJson } from '../../executor/canonical-json.js';
import { writeErr, writeOut } from '../output.js';
import { loadOrReport } from '../pipeline-load.js';

const USAGE = `usage: layerfuse explain PIPELINE NODE [--set key=value]... [--cache-dir DIR]

Print NODE's cache key components: key format version, node type and version, params with
defaults, input digests (upstream output digests) and input file digests.
`;

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        set: { type: 'string', multiple: true },
        'cache-dir': { type: 'string', default: 'cache' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    writeErr(`layerfuse explain: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    writeOut(USAGE);
    return 0;
  }
  const [file, nodeId] = args.positionals;
  if (file === undefined || nodeId === undefined || args.positionals.length !== 2) {
    writeErr(`layerfuse explain: expected PIPELINE NODE\n\n${USAGE}`);
    return 2;
  }
  const graph = await loadOrReport(file, args.values.set ?? []);
  if (!graph) return 2;
  if (!graph.nodes.has(nodeId)) {
    writeErr(`layerfuse explain: no node '${nodeId}' in ${file} (nodes: ${[...graph.nodes.keys()].slice(0, 20).join(', ')})\n`);
    return 2;
  }
  let entries;
  try {
    entries = await planPipeline(graph, { cache: new FsCache(resolve(args.values['cache-dir'])), only: [nodeId] });
  } catch (e) {
    if (e instanceof PlanError) {
      writeErr(`layerfuse explain: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const entry = entries.find((e) => e.id === nodeId);
  if (!entry) throw new Error(`explain: ${nodeId} missing from its own plan`);
  const out: string[] = [`node ${entry.id} (${entry.type})`];
  if (entry.key && entry.components) {
    out.push(`key  ${entry.key}`, `status  ${entry.action === 'cached' ? 'cached' : `would run: ${entry.reasons.join('; ')}`}`, '', 'key components:');
    out.push(prettyCanonicalJson(entry.components).trimEnd());
  } else {
    out.push(`key  unknown until upstream nodes run (${entry.reasons.join('; ')})`);
    const node = graph.nodes.get(nodeId);
    out.push('', 'known key components:', prettyCanonicalJson({ type: node?.type, params: node?.params }).trimEnd());
  }
  if (entry.last) {
    out.push('', `last run (lock file): key ${entry.last.key}`);
    if (entry.components && entry.last.key !== entry.key) out.push(`  differences: ${diffComponents(entry.last.components, entry.components).join('; ') || 'none'}`);
  }
  writeOut(out.join('\n') + '\n');
  return 0;
}

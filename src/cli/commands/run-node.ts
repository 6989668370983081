/**
 * `layerfuse run-node PIPELINE NODE`: run one node against the cache, by hand or as a cluster
 * (Slurm) job. NODE's dependencies must already be cached (their outputs are restored first); it
 * runs under its key's lock unless cached (`--force`: anyway), publishes its results and is
 * recorded in the lock file, as `run --only NODE` would. A thin command over the executor's
 * `runNode`; the executor's own worker subprocesses use its worker entry, not this command.
 */
import { runNode } from '../../executor/index.js';
import { openStore } from '../cache-dir.js';
import { CACHE_DIR_OPTION, parseCommand, RESULTS_DIR_OPTION, runCommand, SET_OPTION, UsageError } from '../command.js';
import { loadGraph, requireNode } from '../pipeline-load.js';
import { INFERENCE_OPTIONS, INFERENCE_USAGE, inferenceFlags } from '../inference-options.js';
import { progressLogger } from '../progress.js';
import { BACKENDS, runWithSignals } from './run.js';

const USAGE = `usage: layerfuse run-node PIPELINE NODE [--set key=value]... [--cache-dir DIR] [--results-dir DIR] [--force] [--backend B]
       [--engine E] [--ort-provider P] [--threads N] [--wasm-threads auto|N]

Run one node (by hand, or as a Slurm job): every node it depends on must already be cached (run
them first, e.g. \`layerfuse run PIPELINE --only DEP\`); their outputs are restored, then NODE
runs unless it is cached (--force: run it anyway).

${INFERENCE_USAGE}

Exit: 0 done or cached, 1 the node failed, 2 usage, invalid pipeline or dependencies not cached.
`;

export function run(argv: string[]): Promise<number> {
  return runCommand('run-node', USAGE, async () => {
    const { values: v, positionals } = parseCommand(
      argv,
      { ...SET_OPTION, ...CACHE_DIR_OPTION, ...RESULTS_DIR_OPTION, force: { type: 'boolean', default: false }, backend: { type: 'string', default: 'auto' }, ...INFERENCE_OPTIONS },
      { min: 2, max: 2, what: 'PIPELINE NODE' },
    );
    const [file, nodeId] = positionals as [string, string];
    if (!(BACKENDS as readonly string[]).includes(v.backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got '${v.backend}'`);
    const inference = inferenceFlags(v);
    const graph = await loadGraph(file, v.set ?? []);
    requireNode(graph, file, nodeId);
    const { cache, store } = await openStore(graph.file, v, 'write');
    return runWithSignals((signal) => runNode(graph, nodeId, { cache, resultsDir: store.resultsDir, force: v.force, backend: v.backend, ...inference, logger: progressLogger(), signal }));
  });
}

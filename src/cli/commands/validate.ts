/** `layerfuse validate PIPELINE [--set k=v]...`: every problem with its position; exit 2 on any error. */
import { parseCommand, runCommand, SET_OPTION } from '../command.js';
import { writeOut } from '../output.js';
import { loadGraph } from '../pipeline-load.js';

const USAGE = `usage: layerfuse validate PIPELINE [--set key=value]...

Parse, check, expand and resolve PIPELINE without running anything. Prints every problem as
file:line:col with the source line; exits 2 on any error, else prints "ok: N nodes".
`;

export function run(argv: string[]): Promise<number> {
  return runCommand('validate', USAGE, async () => {
    const { values, positionals } = parseCommand(argv, SET_OPTION, { min: 1, max: 1, what: 'one PIPELINE' });
    const graph = await loadGraph(positionals[0]!, values.set ?? []);
    writeOut(`ok: ${graph.nodes.size} node${graph.nodes.size === 1 ? '' : 's'}\n`);
    return 0;
  });
}

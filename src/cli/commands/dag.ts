/** `layerfuse dag PIPELINE [--set k=v]... [--format mermaid|dot]`: the expanded graph. */
import { toDot, toMermaid } from '../../dsl/index.js';
import { parseCommand, runCommand, SET_OPTION, UsageError } from '../command.js';
import { writeOut } from '../output.js';
import { loadGraph } from '../pipeline-load.js';

const USAGE = `usage: layerfuse dag PIPELINE [--set key=value]... [--format mermaid|dot]

Print the expanded, resolved graph (default: mermaid). Edges are labelled "port → input";
dashed edges are \`needs\`. Render dot with e.g. \`layerfuse dag p.yaml --format dot | dot -Tsvg\`.
`;

export function run(argv: string[]): Promise<number> {
  return runCommand('dag', USAGE, async () => {
    const { values, positionals } = parseCommand(argv, { ...SET_OPTION, format: { type: 'string', default: 'mermaid' } }, { min: 1, max: 1, what: 'one PIPELINE' });
    const format = values.format;
    if (format !== 'mermaid' && format !== 'dot') throw new UsageError(`--format must be mermaid or dot, got '${format}'`);
    const graph = await loadGraph(positionals[0]!, values.set ?? []);
    writeOut(format === 'dot' ? toDot(graph) : toMermaid(graph));
    return 0;
  });
}

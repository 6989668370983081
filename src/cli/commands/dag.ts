/** `layerfuse dag PIPELINE [--set k=v]... [--format mermaid|dot]`: the expanded graph. */
import { parseArgs } from 'node:util';
import { toDot, toMermaid } from '../../dsl/index.js';
import { writeErr, writeOut } from '../output.js';
import { loadOrReport } from '../pipeline-load.js';

const USAGE = `usage: layerfuse dag PIPELINE [--set key=value]... [--format mermaid|dot]

Print the expanded, resolved graph (default: mermaid). Edges are labelled "port → input";
dashed edges are \`needs\`. Render dot with e.g. \`layerfuse dag p.yaml --format dot | dot -Tsvg\`.
`;

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { set: { type: 'string', multiple: true }, format: { type: 'string', default: 'mermaid' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    writeErr(`layerfuse dag: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    writeOut(USAGE);
    return 0;
  }
  const format = parsed.values.format;
  if (format !== 'mermaid' && format !== 'dot') {
    writeErr(`layerfuse dag: --format must be mermaid or dot, got '${format}'\n`);
    return 2;
  }
  if (parsed.positionals.length !== 1) {
    writeErr(`layerfuse dag: expected one PIPELINE\n\n${USAGE}`);
    return 2;
  }
  const graph = await loadOrReport(parsed.positionals[0]!, parsed.values.set ?? []);
  if (!graph) return 2;
  writeOut(format === 'dot' ? toDot(graph) : toMermaid(graph));
  return 0;
}

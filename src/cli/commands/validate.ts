/** `layerfuse validate PIPELINE [--set k=v]...`: every problem with its position; exit 2 on any error. */
import { parseArgs } from 'node:util';
import { writeErr, writeOut } from '../output.js';
import { loadOrReport } from '../pipeline-load.js';

const USAGE = `usage: layerfuse validate PIPELINE [--set key=value]...

Parse, check, expand and resolve PIPELINE without running anything. Prints every problem as
file:line:col with the source line; exits 2 on any error, else prints "ok: N nodes".
`;

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { set: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    writeErr(`layerfuse validate: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    writeOut(USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    writeErr(`layerfuse validate: expected one PIPELINE\n\n${USAGE}`);
    return 2;
  }
  const graph = await loadOrReport(parsed.positionals[0]!, parsed.values.set ?? []);
  if (!graph) return 2;
  writeOut(`ok: ${graph.nodes.size} node${graph.nodes.size === 1 ? '' : 's'}\n`);
  return 0;
}

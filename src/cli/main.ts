/**
 * `layerfuse` entry point: dispatches to one module per command, loaded lazily so that a
 * command never pays for another's imports (a warm `run` must not load TF.js).
 * Exit codes: 0 success, 1 a node failed, 2 invalid pipeline or usage.
 */
import { writeOut, writeErr } from './output.js';

interface CommandModule {
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  run: { summary: 'run a pipeline (only what changed)', load: () => import('./commands/run.js') },
  plan: { summary: 'dry run: every node as cached or run, with the reason', load: () => import('./commands/plan.js') },
  validate: { summary: 'check a pipeline; exit 2 on any error', load: () => import('./commands/validate.js') },
  dag: { summary: 'print the expanded graph as mermaid or dot', load: () => import('./commands/dag.js') },
  explain: { summary: "print a node's cache key components", load: () => import('./commands/explain.js') },
  show: { summary: "print a node's cached result", load: () => import('./commands/show.js') },
  nodes: { summary: 'list node types, or describe one', load: () => import('./commands/nodes.js') },
  schema: { summary: 'print the pipeline JSON Schema (or --write schemas/)', load: () => import('./commands/schema.js') },
  cache: { summary: 'cache ls | verify | gc', load: () => import('./commands/cache.js') },
  'run-node': { summary: 'run one node whose dependencies are cached (by hand, Slurm jobs)', load: () => import('./commands/run-node.js') },
};

function usage(): string {
  const lines = ['usage: layerfuse <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `layerfuse <command> --help` for its options.');
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeOut(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    writeOut('layerfuse 0.1.0\n');
    return 0;
  }
  // Own entries only: `layerfuse constructor` must not find Object.prototype's.
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    writeErr(`layerfuse: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}

/** `layerfuse nodes [TYPE] [--json]`: the node type catalogue, read from schemas/. */
import { didYouMean } from '../../dsl/did-you-mean.js';
import { loadSchemaStore, type NodeTypeInfo, type PortInfo } from '../../dsl/index.js';
import { parseCommand, runCommand, UsageError } from '../command.js';
import { writeOut } from '../output.js';

const USAGE = `usage: layerfuse nodes [TYPE] [--json]

Without TYPE: every node type with its description. With TYPE: its parameters (type, default,
description), inputs and outputs (the first output is what \`\${id}\` refers to).
`;

function schemaType(s: Record<string, unknown>): string {
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const t = s.type;
  if (Array.isArray(t)) return t.join(' | ');
  if (t === 'array') {
    const items = s.items as Record<string, unknown> | undefined;
    return items ? `list of ${schemaType(items)}` : 'list';
  }
  if (t === 'object') return 'map';
  return typeof t === 'string' ? t : 'any';
}

function ports(title: string, ps: Record<string, PortInfo>, input: boolean): string[] {
  const names = Object.keys(ps);
  if (names.length === 0) return [`${title}: none`];
  const out = [`${title}:`];
  names.forEach((n, i) => {
    const p = ps[n]!;
    const flags = [
      input && p.many ? 'many' : '',
      input && p.optional ? 'optional' : '',
      !input && i === 0 ? 'default' : '',
      !input && p.publish ? 'published to results/' : '',
    ].filter((f) => f !== '');
    out.push(`  ${n}: ${p.type}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}`);
    if (p.description) out.push(`      ${p.description}`);
  });
  return out;
}

function describe(t: NodeTypeInfo): string {
  const lines = [`${t.type} (version ${t.version})`, `  ${t.description}`, ''];
  const props = t.params.properties ?? {};
  const required = new Set(t.params.required ?? []);
  if (Object.keys(props).length === 0) lines.push('params: none');
  else {
    lines.push('params:');
    for (const [name, s] of Object.entries(props)) {
      const dflt = s.default !== undefined ? ` = ${JSON.stringify(s.default)}` : required.has(name) ? ' (required)' : '';
      lines.push(`  ${name}: ${schemaType(s)}${dflt}`);
      if (typeof s.description === 'string') lines.push(`      ${s.description}`);
    }
  }
  lines.push(...ports('inputs', t.inputs, true), ...ports('outputs', t.outputs, false));
  const res = Object.entries(t.resources);
  if (res.length > 0) lines.push(`resources: ${res.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const notes = [t.worker ? 'runs in a worker subprocess' : '', t.cacheable ? '' : 'not cacheable (always runs)'].filter((x) => x !== '');
  if (notes.length > 0) lines.push(notes.join('; '));
  return lines.join('\n') + '\n';
}

export function run(argv: string[]): Promise<number> {
  return runCommand('nodes', USAGE, () => {
    const parsed = parseCommand(argv, { json: { type: 'boolean' } }, { min: 0, max: 1, what: 'one TYPE' });
    return Promise.resolve(list(parsed.positionals[0], parsed.values.json === true));
  });
}

function list(wanted: string | undefined, json: boolean): number {
  const store = loadSchemaStore();
  const types = [...store.types.values()].sort((a, b) => (a.type < b.type ? -1 : 1));
  if (wanted === undefined) {
    if (json) writeOut(JSON.stringify(types, null, 2) + '\n');
    else if (types.length === 0) writeOut('no node types (schemas/nodes is empty)\n');
    else {
      const width = Math.max(...types.map((t) => t.type.length));
      writeOut(types.map((t) => `${t.type.padEnd(width)}  ${t.description.split('\n')[0]}\n`).join(''));
    }
    return 0;
  }
  const t = store.types.get(wanted);
  if (!t) throw new UsageError(`unknown node type \`${wanted}\`${didYouMean(wanted, store.types.keys())}`);
  writeOut(json ? JSON.stringify(t, null, 2) + '\n' : describe(t));
  return 0;
}

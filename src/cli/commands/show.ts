/**
 * `layerfuse show PIPELINE NODE|GROUP.* [--field PATH]... [--format text|table|csv|json] [--json]`:
 * cached results, read back. One node: its outputs (type, digest, manifest) and run records,
 * or just the `--field`s asked for. A group (`'curve.*'`): one row per node it expanded into,
 * one column per field, so a quick comparison needs no jq. Every form says which pipeline
 * params the results belong to (`--set` as for run and plan). `--json` is a stable shape (README).
 */
import { stringify } from 'csv-stringify/sync';
import type { PipelineGraph } from '../../dsl/index.js';
import { cachedResult, jsonBlobs, type CachedResult, type FsCache, type IndexRecord } from '../../executor/index.js';
import { didYouMean } from '../../dsl/did-you-mean.js';
import { openStore } from '../cache-dir.js';
import { CACHE_DIR_OPTION, parseCommand, runCommand, SET_OPTION, UsageError } from '../command.js';
import { writeErr, writeOut } from '../output.js';
import { loadGraph, requireNode } from '../pipeline-load.js';
import { cellText, fieldValue, scalarFields } from '../show-fields.js';

const USAGE = `usage: layerfuse show PIPELINE NODE [--field PATH]... [--format text|table|csv|json] [--json]
       layerfuse show PIPELINE 'GROUP.*' [--field PATH]... [--format table|csv|json]
  [--set key=value]... [--cache-dir DIR]

Print NODE's cached result (its current key, else the last run's from the lock file), for the
pipeline's params as --set gives them.
  --field PATH   a dotted path into the outputs: PORT.key.key (\`evaluation.accuracy\`), or from
                 the first port (\`best.k\`, \`points.0.test.accuracy\`); repeatable
  --format F     text (one node), table (a group), csv or json
  --json         the whole result as JSON (the same as --format json without --field)
A GROUP.* (quote it) shows every node expanded from GROUP as one table; without --field, the
top-level numbers and strings of each node's first output.
`;

const SHOWN_LINES = 40;

/** Which params the shown results belong to: `params: n=2, seed=7 (--set: seed)`. */
function paramsLine(graph: PipelineGraph, sets: readonly string[]): string {
  const entries = Object.entries(graph.params);
  if (entries.length === 0) return 'params: none';
  const set = new Set(sets.map((s) => s.split('=')[0]!.trim()));
  const shown = entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  const from = [...set].filter((k) => Object.hasOwn(graph.params, k));
  return `params: ${shown} (${from.length > 0 ? `--set: ${from.join(', ')}; the others` : 'all'} as the pipeline file gives them)`;
}

function textFor(nodeId: string, record: IndexRecord, note: string, params: string, cache: FsCache, file: string): string {
  const lines = [`node ${nodeId} key ${record.key}${note}`, params];
  for (const [port, o] of Object.entries(record.outputs)) {
    lines.push('', `output ${port} (${o.type}) digest ${o.digest}`);
    const json = JSON.stringify(o.manifest, null, 2).split('\n');
    if (json.length > SHOWN_LINES) {
      const keys = typeof o.manifest === 'object' && o.manifest !== null && !Array.isArray(o.manifest) ? Object.keys(o.manifest) : [];
      const example = keys[0] !== undefined ? `${port}.${keys[0]}` : port;
      lines.push(...json.slice(0, SHOWN_LINES).map((l) => `  ${l}`));
      lines.push(`  … ${json.length - SHOWN_LINES} more lines not shown: all of it with --json, one value with --field (e.g. layerfuse show ${file} ${nodeId} --field ${example})`);
    } else lines.push(...json.map((l) => `  ${l}`));
  }
  if (record.runs.length > 0) {
    lines.push('', 'runs:');
    for (const r of record.runs) {
      const facts = Object.entries(r.facts).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      lines.push(`  ${r.startedAt}  ${(r.durationMs / 1000).toFixed(2)} s  ${r.worker ? 'worker' : 'in-process'} pid ${r.pid}${r.workerJob !== undefined ? ` (its job ${r.workerJob})` : ''} on ${r.host}  ${facts.join(' ')}`.trimEnd());
    }
  }
  if (record.log) lines.push('', `log: ${cache.blobPath(record.log.$blob)}`);
  return lines.join('\n') + '\n';
}

/** The stable `--json` shape of one node (documented in the README). */
async function jsonView(cache: FsCache, nodeId: string, { record, current }: CachedResult, graph: PipelineGraph): Promise<unknown> {
  const outputs: Record<string, unknown> = {};
  for (const [port, o] of Object.entries(record.outputs)) {
    const c = await jsonBlobs(cache, o.manifest);
    outputs[port] = { type: o.type, digest: o.digest, manifest: o.manifest, ...(Object.keys(c).length > 0 ? { contents: c } : {}) };
  }
  return { node: nodeId, key: record.key, current, params: graph.params, outputs, runs: record.runs };
}

interface Row {
  node: string;
  found?: CachedResult;
  values: Map<string, unknown>;
  problems: string[];
}

async function rowsFor(graph: PipelineGraph, ids: readonly string[], fields: readonly string[], cache: FsCache): Promise<{ rows: Row[]; fields: string[] }> {
  const rows: Row[] = [];
  for (const node of ids) {
    const found = await cachedResult(graph, node, cache);
    rows.push({ node, ...(found ? { found } : {}), values: new Map(), problems: [] });
  }
  // Without --field: the scalar fields of the nodes' first outputs, in first-seen order.
  const columns = fields.length > 0 ? [...fields] : [...new Set(rows.flatMap((r) => (r.found ? scalarFields(r.found.record) : [])))];
  for (const r of rows) {
    if (!r.found) continue;
    for (const f of columns) {
      const v = await fieldValue(r.found.record, f, cache);
      if (v.found) r.values.set(f, v.value);
      else r.problems.push(`${r.node}: --field ${f}: ${v.why}`);
    }
  }
  return { rows, fields: columns };
}

function table(rows: Row[], fields: string[]): string {
  const header = ['node', ...fields];
  const body = rows.map((r) => [r.node + (r.found && !r.found.current ? ' *' : ''), ...fields.map((f) => (r.found ? cellText(r.values.get(f)) : '(not cached)'))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const numeric = fields.map((f) => rows.every((r) => !r.values.has(f) || typeof r.values.get(f) === 'number'));
  const line = (cells: string[]): string => cells.map((c, i) => (i > 0 && numeric[i - 1] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n';
}

function output(rows: Row[], fields: string[], format: string, params: string, group: boolean): string {
  if (format === 'json') {
    const objects = rows.map((r) => {
      const o: Record<string, unknown> = { node: r.node, cached: r.found !== undefined, current: r.found?.current ?? false };
      for (const f of fields) o[f] = r.found ? (r.values.has(f) ? r.values.get(f) : null) : null;
      return o;
    });
    return JSON.stringify(group ? objects : objects[0], null, 2) + '\n';
  }
  if (format === 'csv') {
    return stringify([['node', ...fields], ...rows.map((r) => [r.node, ...fields.map((f) => (r.values.has(f) ? cellText(r.values.get(f)) : ''))])]);
  }
  const stale = rows.some((r) => r.found && !r.found.current) ? '\n* from the last run: the pipeline or its inputs changed since\n' : '';
  if (format === 'text' && rows.length === 1 && fields.length === 1) {
    const v = rows[0]!.values.get(fields[0]!);
    return typeof v === 'object' && v !== null ? JSON.stringify(v, null, 2) + '\n' : cellText(v) + '\n';
  }
  if (format === 'text' && rows.length === 1) return fields.map((f) => `${f}: ${cellText(rows[0]!.values.get(f))}`).join('\n') + '\n';
  return `# ${params}\n` + table(rows, fields) + stale;
}

/** The nodes a NODE argument names: one id, or every node expanded from a group (`curve.*`, or `curve` when it is no node itself). */
function selection(graph: PipelineGraph, file: string, arg: string): { ids: string[]; group: boolean } {
  const groupId = arg.endsWith('.*') ? arg.slice(0, -2) : graph.nodes.has(arg) ? undefined : arg;
  if (groupId === undefined) return { ids: [arg], group: false };
  const ids = [...graph.nodes.values()].filter((n) => n.group === groupId).map((n) => n.id);
  if (ids.length === 0) {
    if (!arg.endsWith('.*')) requireNode(graph, file, arg);
    const groups = [...new Set([...graph.nodes.values()].map((n) => n.group))];
    throw new UsageError(`no group \`${groupId}\` in ${file}${didYouMean(groupId, groups) || ` (its groups: ${groups.slice(0, 12).join(', ')})`}`);
  }
  return { ids, group: true };
}

export function run(argv: string[]): Promise<number> {
  return runCommand('show', USAGE, async () => {
    const { values, positionals } = parseCommand(
      argv,
      { ...SET_OPTION, ...CACHE_DIR_OPTION, json: { type: 'boolean', default: false }, field: { type: 'string', multiple: true }, format: { type: 'string' } },
      { min: 2, max: 2, what: 'PIPELINE NODE (or GROUP.*)' },
    );
    const [file, arg] = positionals as [string, string];
    const fields = values.field ?? [];
    const format = values.format ?? (values.json ? 'json' : undefined);
    if (format !== undefined && !['text', 'table', 'csv', 'json'].includes(format)) throw new UsageError(`--format must be text, table, csv or json, got '${format}'`);
    if (values.json && values.format !== undefined && values.format !== 'json') throw new UsageError('--json and --format disagree: give one');
    const sets = values.set ?? [];
    const graph = await loadGraph(file, sets);
    const { ids, group } = selection(graph, file, arg);
    const { cache } = await openStore(graph.file, values, 'read');
    const params = paramsLine(graph, sets);

    if (!group && fields.length === 0 && (format === undefined || format === 'text' || format === 'json')) {
      const found = await cachedResult(graph, arg, cache);
      if (!found) {
        writeErr(`layerfuse show: ${arg} has no cached result in ${cache.dir} for these params (run it first)\n${params}\n`);
        return 1;
      }
      const note = found.current ? '' : ' (from the last run; the pipeline or its inputs changed since)';
      if (format === 'json') writeOut(JSON.stringify(await jsonView(cache, arg, found, graph), null, 2) + '\n');
      else writeOut(textFor(arg, found.record, note, params, cache, file));
      return 0;
    }
    const { rows, fields: columns } = await rowsFor(graph, ids, fields, cache);
    if (!group && !rows[0]!.found) {
      writeErr(`layerfuse show: ${arg} has no cached result in ${cache.dir} for these params (run it first)\n${params}\n`);
      return 1;
    }
    const problems = rows.flatMap((r) => r.problems);
    if (problems.length > 0 && !group) {
      writeErr(`${params}\n` + problems.map((p) => `layerfuse show: ${p}\n`).join(''));
      return 1;
    }
    const chosen = format ?? (group ? 'table' : 'text');
    writeOut(output(rows, columns, chosen, params, group));
    // A table states its params in its header; values meant for scripts keep stdout clean.
    if (chosen !== 'table' && !(chosen === 'text' && rows.length > 1)) {
      const stale = rows.some((r) => r.found && !r.found.current) ? ' — from the last run: the pipeline or its inputs changed since' : '';
      writeErr(`${params}${stale}\n`);
    }
    // In a group, a node whose output lacks a field gets an empty cell; say why once per node.
    for (const p of problems) writeErr(`layerfuse show: ${p}\n`);
    return 0;
  });
}

/**
 * `layerfuse show PIPELINE NODE [--json]`: a node's cached result: output ports with type,
 * digest and manifest, and its run records. With --json, the manifests as JSON, plus the content
 * of every blob in them that holds JSON or JSON Lines (e.g. predictions).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { IndexRecord } from '../../executor/cache.js';
import { PlanError } from '../../executor/errors.js';
import { FsCache } from '../../executor/fs-cache.js';
import { planPipeline } from '../../executor/planner.js';
import { collectBlobRefs } from '../../executor/refs.js';
import { writeErr, writeOut } from '../output.js';
import { loadOrReport } from '../pipeline-load.js';

const USAGE = `usage: layerfuse show PIPELINE NODE [--set key=value]... [--cache-dir DIR] [--json]

Print NODE's cached result (its current key, else the last run's from the lock file).
`;

/** Blobs larger than this are not inlined by --json. */
const MAX_INLINE = 16 * 1024 * 1024;

/** Parse bytes as JSON, else as JSON Lines; undefined when neither. */
export function parseJsonOrLines(text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    /* try JSON Lines */
  }
  const rows: unknown[] = [];
  for (const line of t.split('\n')) {
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line));
    } catch {
      return undefined;
    }
  }
  return rows;
}

async function contents(cache: FsCache, manifest: unknown): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const { path, ref } of collectBlobRefs(manifest)) {
    if (ref.size > MAX_INLINE || !(await cache.hasObject(ref.$blob))) continue;
    const bytes = await cache.getBytes(ref.$blob);
    if (bytes[0] !== 0x7b && bytes[0] !== 0x5b) continue; // `{` or `[`: cheap sniff before parsing
    const value = parseJsonOrLines(new TextDecoder().decode(bytes));
    if (value !== undefined) out[path || '/'] = value;
  }
  return out;
}

function textFor(nodeId: string, record: IndexRecord, note: string, cache: FsCache): string {
  const lines = [`node ${nodeId} key ${record.key}${note}`];
  for (const [port, o] of Object.entries(record.outputs)) {
    lines.push('', `output ${port} (${o.type}) digest ${o.digest}`);
    const json = JSON.stringify(o.manifest, null, 2).split('\n');
    const shown = json.length > 40 ? [...json.slice(0, 40), `… (${json.length - 40} more lines; --json for all)`] : json;
    lines.push(...shown.map((l) => `  ${l}`));
  }
  if (record.runs.length > 0) {
    lines.push('', 'runs:');
    for (const r of record.runs) {
      const facts = Object.entries(r.facts).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      lines.push(`  ${r.startedAt}  ${(r.durationMs / 1000).toFixed(2)} s  ${r.worker ? 'worker' : 'in-process'} pid ${r.pid} on ${r.host}  ${facts.join(' ')}`.trimEnd());
    }
  }
  if (record.log) lines.push('', `log: ${cache.blobPath(record.log.$blob)}`);
  return lines.join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        set: { type: 'string', multiple: true },
        'cache-dir': { type: 'string', default: 'cache' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    writeErr(`layerfuse show: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    writeOut(USAGE);
    return 0;
  }
  const [file, nodeId] = args.positionals;
  if (file === undefined || nodeId === undefined || args.positionals.length !== 2) {
    writeErr(`layerfuse show: expected PIPELINE NODE\n\n${USAGE}`);
    return 2;
  }
  const graph = await loadOrReport(file, args.values.set ?? []);
  if (!graph) return 2;
  if (!graph.nodes.has(nodeId)) {
    writeErr(`layerfuse show: no node '${nodeId}' in ${file} (nodes: ${[...graph.nodes.keys()].slice(0, 20).join(', ')})\n`);
    return 2;
  }
  const cache = new FsCache(resolve(args.values['cache-dir']));
  let entries;
  try {
    entries = await planPipeline(graph, { cache, only: [nodeId] });
  } catch (e) {
    if (e instanceof PlanError) {
      writeErr(`layerfuse show: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const entry = entries.find((e) => e.id === nodeId);
  let record: IndexRecord | undefined;
  let note = '';
  if (entry?.key) record = await cache.readIndex(entry.key);
  if (!record && entry?.last) {
    record = await cache.readIndex(entry.last.key);
    if (record) note = ' (from the last run; the pipeline or its inputs changed since)';
  }
  if (!record) {
    writeErr(`layerfuse show: ${nodeId} has no cached result in ${cache.dir} (run it first)\n`);
    return 1;
  }
  if (args.values.json) {
    const outputs: Record<string, unknown> = {};
    for (const [port, o] of Object.entries(record.outputs)) {
      const c = await contents(cache, o.manifest);
      outputs[port] = { type: o.type, digest: o.digest, manifest: o.manifest, ...(Object.keys(c).length > 0 ? { contents: c } : {}) };
    }
    writeOut(JSON.stringify({ node: nodeId, key: record.key, current: note === '', outputs, runs: record.runs }, null, 2) + '\n');
  } else writeOut(textFor(nodeId, record, note, cache));
  return 0;
}

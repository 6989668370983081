/**
 * `layerfuse show PIPELINE NODE [--json]`: a node's cached result: output ports with type,
 * digest and manifest, and its run records. With --json, the manifests as JSON, plus the content
 * of every blob in them that holds JSON or JSON Lines (e.g. predictions).
 */
import type { IndexRecord } from '../../executor/cache.js';
import type { FsCache } from '../../executor/fs-cache.js';
import { planPipeline, type PlanEntry } from '../../executor/planner.js';
import { collectBlobRefs } from '../../executor/refs.js';
import { openCache } from '../cache-dir.js';
import { CACHE_DIR_OPTION, parseCommand, runCommand, SET_OPTION } from '../command.js';
import { writeErr, writeOut } from '../output.js';
import { loadGraph, requireNode } from '../pipeline-load.js';

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
    let bytes: Uint8Array;
    try {
      bytes = await cache.getBytes(ref.$blob);
    } catch {
      continue; // a corrupt object (now out of the store) is not shown; `cache verify` names it
    }
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

export function run(argv: string[]): Promise<number> {
  return runCommand('show', USAGE, async () => {
    const { values, positionals } = parseCommand(
      argv,
      { ...SET_OPTION, ...CACHE_DIR_OPTION, json: { type: 'boolean', default: false } },
      { min: 2, max: 2, what: 'PIPELINE NODE' },
    );
    const [file, nodeId] = positionals as [string, string];
    const graph = await loadGraph(file, values.set ?? []);
    requireNode(graph, file, nodeId);
    const cache = await openCache(values['cache-dir'], 'read');
    const entries = await planPipeline(graph, { cache, only: [nodeId] });
    return show(cache, entries, nodeId, values.json);
  });
}

async function show(cache: FsCache, entries: PlanEntry[], nodeId: string, json: boolean): Promise<number> {
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
  if (json) {
    const outputs: Record<string, unknown> = {};
    for (const [port, o] of Object.entries(record.outputs)) {
      const c = await contents(cache, o.manifest);
      outputs[port] = { type: o.type, digest: o.digest, manifest: o.manifest, ...(Object.keys(c).length > 0 ? { contents: c } : {}) };
    }
    writeOut(JSON.stringify({ node: nodeId, key: record.key, current: note === '', outputs, runs: record.runs }, null, 2) + '\n');
  } else writeOut(textFor(nodeId, record, note, cache));
  return 0;
}

/**
 * `layerfuse show PIPELINE NODE [--json]`: a node's cached result: output ports with type,
 * digest and manifest, and its run records. With --json, the manifests as JSON, plus the content
 * of every blob in them that holds JSON or JSON Lines (e.g. predictions).
 */
import { cachedResult, jsonBlobs, type CachedResult, type FsCache, type IndexRecord } from '../../executor/index.js';
import { openCache } from '../cache-dir.js';
import { CACHE_DIR_OPTION, parseCommand, runCommand, SET_OPTION } from '../command.js';
import { writeErr, writeOut } from '../output.js';
import { loadGraph, requireNode } from '../pipeline-load.js';

const USAGE = `usage: layerfuse show PIPELINE NODE [--set key=value]... [--cache-dir DIR] [--json]

Print NODE's cached result (its current key, else the last run's from the lock file).
`;

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
    const found = await cachedResult(graph, nodeId, cache);
    if (!found) {
      writeErr(`layerfuse show: ${nodeId} has no cached result in ${cache.dir} (run it first)\n`);
      return 1;
    }
    const note = found.current ? '' : ' (from the last run; the pipeline or its inputs changed since)';
    if (values.json) writeOut(JSON.stringify(await jsonView(cache, nodeId, found), null, 2) + '\n');
    else writeOut(textFor(nodeId, found.record, note, cache));
    return 0;
  });
}

async function jsonView(cache: FsCache, nodeId: string, { record, current }: CachedResult): Promise<unknown> {
  const outputs: Record<string, unknown> = {};
  for (const [port, o] of Object.entries(record.outputs)) {
    const c = await jsonBlobs(cache, o.manifest);
    outputs[port] = { type: o.type, digest: o.digest, manifest: o.manifest, ...(Object.keys(c).length > 0 ? { contents: c } : {}) };
  }
  return { node: nodeId, key: record.key, current, outputs, runs: record.runs };
}

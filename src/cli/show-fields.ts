/**
 * `show --field PATH`: a dotted path into a node's outputs. The first segment may name an output
 * port (`evaluation.accuracy`); otherwise the path starts in the node's first (default) port
 * (`best.k`). Numbers index lists (`points.0.test.accuracy`); a key that itself holds dots
 * (`tensors.bert.pooler.dense.weight`) is matched whole; a path through a blob holding JSON or
 * JSON Lines (`files.predictions.jsonl.0.label`) continues inside its content.
 */
import type { FsCache, IndexRecord } from '../executor/index.js';
import { readJsonBlob } from '../executor/index.js';

export type FieldResult = { found: true; value: unknown } | { found: false; why: string };

function isBlobRef(v: unknown): v is { $blob: string; size: number } {
  return typeof v === 'object' && v !== null && typeof (v as { $blob?: unknown }).$blob === 'string';
}

function keysOf(v: unknown): string {
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v);
    return `keys: ${keys.slice(0, 12).join(', ')}${keys.length > 12 ? ', …' : ''}`;
  }
  return `a ${v === null ? 'null' : typeof v}`;
}

export async function fieldValue(record: IndexRecord, path: string, cache: Pick<FsCache, 'getBytes'>): Promise<FieldResult> {
  const segs = path.split('.').filter((s) => s !== '');
  if (segs.length === 0) return { found: false, why: 'an empty path' };
  const ports = Object.keys(record.outputs);
  let port = ports[0];
  if (segs[0] !== undefined && ports.includes(segs[0])) port = segs.shift();
  if (port === undefined) return { found: false, why: 'the node has no outputs' };
  let cur: unknown = record.outputs[port]?.manifest;
  let at = port;
  while (segs.length > 0) {
    if (isBlobRef(cur)) {
      const content = await readJsonBlob(cache, cur).catch(() => undefined);
      if (content === undefined) return { found: false, why: `${at} is a blob that holds no JSON` };
      cur = content;
      continue;
    }
    if (Array.isArray(cur)) {
      const i = Number(segs[0]);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length) return { found: false, why: `${at} is a list of ${cur.length}; \`${segs[0]}\` is not an index in it` };
      cur = cur[i];
      at = `${at}.${segs.shift()}`;
      continue;
    }
    if (typeof cur !== 'object' || cur === null) return { found: false, why: `${at} is ${keysOf(cur)}, it has no \`${segs[0]}\`` };
    // The longest run of segments that is one key (tensor names hold dots).
    let taken = 0;
    for (let n = segs.length; n >= 1; n--) {
      if (Object.hasOwn(cur, segs.slice(0, n).join('.'))) {
        taken = n;
        break;
      }
    }
    if (taken === 0) return { found: false, why: `${at} has no \`${segs[0]}\` (${keysOf(cur)})` };
    const key = segs.splice(0, taken).join('.');
    cur = (cur as Record<string, unknown>)[key];
    at = `${at}.${key}`;
  }
  return { found: true, value: cur };
}

/** A value in one table cell or CSV field: scalars as they are, lists and maps as compact JSON. */
export function cellText(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** The top-level scalar fields of a node's default output: a group table's columns when none are asked for. */
export function scalarFields(record: IndexRecord): string[] {
  const first = Object.values(record.outputs)[0]?.manifest;
  if (typeof first !== 'object' || first === null || Array.isArray(first)) return [];
  return Object.entries(first)
    .filter(([, v]) => v === null || ['number', 'string', 'boolean'].includes(typeof v))
    .map(([k]) => k);
}

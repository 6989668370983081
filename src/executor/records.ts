/**
 * The one place that decides whether a stored cache entry is sound: index records and memo
 * entries, as every reader (run, plan, show, verify, ls, gc) gets them. A file holding valid
 * JSON of the wrong shape (`null`, `[]`, `{"bogus":1}`), or an entry edited by hand (an output
 * manifest or a memoized value whose digest no longer matches), is corrupt: readers never use
 * it, the run path moves it to cache/corrupt/ and the node runs again.
 *
 * A hand-written shape check rather than a JSON Schema: it runs on every cache hit of a warm
 * rerun, it is a dozen fields, and the digest checks are not expressible in a schema anyway.
 */
import { artifactDigest } from '../artifacts/artifact.js';
import { canonicalJson, sha256Hex } from '../artifacts/canonical-json.js';
import type { PortType } from '../artifacts/types.js';
import type { IndexRecord } from './cache.js';
import { isBlobRef } from './refs.js';

const HEX64 = /^[0-9a-f]{64}$/;

export type Checked<T> = { ok: T } | { problem: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The first thing wrong with a parsed index record stored under `key`, or undefined. */
export function indexRecordProblem(v: unknown, key: string): string | undefined {
  if (!isObject(v)) return `holds ${describe(v)}, not an index record`;
  if (v.format !== 1) return `format ${JSON.stringify(v.format)} (expected 1)`;
  if (v.key !== key) return `records key ${JSON.stringify(v.key)}, not its file name`;
  if (typeof v.node !== 'string') return 'has no node id';
  const c = v.components;
  if (!isObject(c) || typeof c.type !== 'string' || typeof c.typeVersion !== 'number' || typeof c.keyVersion !== 'number' || !isObject(c.params) || !isObject(c.inputs)) {
    return 'has malformed key components';
  }
  if (!isObject(v.outputs)) return 'has no outputs';
  for (const [port, o] of Object.entries(v.outputs)) {
    if (!isObject(o) || typeof o.type !== 'string' || typeof o.digest !== 'string' || !HEX64.test(o.digest) || !('manifest' in o)) return `output '${port}' is malformed`;
    let actual: string;
    try {
      actual = artifactDigest(o.type as PortType, o.manifest);
    } catch {
      return `output '${port}' holds a manifest that is not plain JSON`;
    }
    if (actual !== o.digest) return `output '${port}' does not match its digest (its manifest was changed after it was stored)`;
  }
  if (v.log !== undefined && !isBlobRef(v.log)) return 'has a malformed log reference';
  if (!Array.isArray(v.runs)) return 'has no run records';
  for (const r of v.runs) {
    if (!isObject(r) || typeof r.startedAt !== 'string' || typeof r.durationMs !== 'number' || typeof r.pid !== 'number' || typeof r.host !== 'string' || !isObject(r.facts)) {
      return 'has a malformed run record';
    }
  }
  return undefined;
}

/** Parse and check an index file's text. */
export function parseIndexRecord(text: string, key: string): Checked<IndexRecord> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { problem: `is not JSON (${(e as Error).message})` };
  }
  const problem = indexRecordProblem(v, key);
  return problem ? { problem } : { ok: v as IndexRecord };
}

/** What `memo/<digest>` holds: the value and the sha256 of its canonical JSON. */
export interface MemoEntry {
  format: 1;
  digest: string;
  value: unknown;
}

export function memoDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

export function makeMemoEntry(value: unknown): MemoEntry {
  return { format: 1, digest: memoDigest(value), value };
}

/** Parse and check a memo file's text: a value whose digest does not match was edited, or written by an older layerfuse. */
export function parseMemoEntry(text: string): Checked<MemoEntry> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { problem: `is not JSON (${(e as Error).message})` };
  }
  if (!isObject(v) || !('value' in v)) return { problem: `holds ${describe(v)}, not a memo entry` };
  if (v.format !== 1 || typeof v.digest !== 'string') return { problem: 'has no digest of its value (written by an older layerfuse)' };
  let actual: string;
  try {
    actual = memoDigest(v.value);
  } catch {
    return { problem: 'holds a value that is not plain JSON' };
  }
  if (actual !== v.digest) return { problem: 'does not match its digest (its value was changed after it was stored)' };
  return { ok: v as unknown as MemoEntry };
}

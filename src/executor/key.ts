/**
 * Cache keys. A key is sha256 of the canonical JSON of a structured object in fixed fields:
 * the key format version, the node type and its version, the params as the DSL resolved them
 * (defaults filled, paths as written: never absolutized, so a moved checkout keeps its cache),
 * the content digests of the inputs (upstream OUTPUT digests, which gives early cut-off) and,
 * for node types that read files outside the cache, the content digests of those files, and for
 * node types that depend on other outside facts (an installed data package's version), those.
 */
import { digestOf } from '../artifacts/canonical-json.js';
import type { PipelineInfo } from '../artifacts/node-context.js';

/** Bump to invalidate every key at once (a change in how nodes are keyed or records are laid out). */
export const KEY_VERSION = 1;

export interface KeyComponents {
  keyVersion: number;
  type: string;
  typeVersion: number;
  params: Record<string, unknown>;
  /** Port -> artifact digest, or a list of digests for a `many` port. */
  inputs: Record<string, string | string[]>;
  /** Relative path as written (after glob expansion) -> sha256 of its bytes. */
  files?: Record<string, string>;
  /** Node types that declare `pipelineInfo` only: the pipeline's name and params, which they show. */
  pipeline?: PipelineInfo;
  /** NodeDecl.keyFacts: fact -> value (e.g. npm package -> installed version). */
  facts?: Record<string, string>;
}

export function keyOf(c: KeyComponents): string {
  return digestOf(c);
}

/** Why two key components differ, as the short phrases `plan` prints. Empty when equal. */
export function diffComponents(
  before: KeyComponents,
  after: KeyComponents,
  inputNodes: (port: string) => string[] = (port) => [port],
): string[] {
  const reasons: string[] = [];
  if (before.keyVersion !== after.keyVersion) reasons.push('key format changed');
  if (before.type !== after.type) reasons.push(`type changed: ${before.type} -> ${after.type}`);
  else if (before.typeVersion !== after.typeVersion) reasons.push('type version changed');
  const params = changedPaths(before.params, after.params, 'with');
  if (params.length > 0) reasons.push(`params changed: ${params.join(', ')}`);
  const inputs = new Set<string>();
  for (const port of unionKeys(before.inputs, after.inputs)) {
    if (digestOf(before.inputs[port] ?? null) !== digestOf(after.inputs[port] ?? null)) {
      for (const n of inputNodes(port)) inputs.add(n);
    }
  }
  if (inputs.size > 0) reasons.push(`input changed: ${[...inputs].sort().join(', ')}`);
  const files = changedPaths(before.files ?? {}, after.files ?? {}, '');
  if (files.length > 0) reasons.push(`input file changed: ${files.join(', ')}`);
  if (before.pipeline?.name !== after.pipeline?.name) reasons.push('pipeline name changed');
  const pipelineParams = changedPaths(before.pipeline?.params ?? {}, after.pipeline?.params ?? {}, 'params');
  if (pipelineParams.length > 0) reasons.push(`pipeline params changed: ${pipelineParams.join(', ')}`);
  const facts = changedPaths(before.facts ?? {}, after.facts ?? {}, '');
  if (facts.length > 0) reasons.push(`fact changed: ${facts.join(', ')}`);
  return reasons;
}

function unionKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

/** Dotted paths of leaves that differ (objects recurse; arrays and scalars compare whole). */
function changedPaths(a: unknown, b: unknown, prefix: string): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const out: string[] = [];
    // Own values only: a key such as `constructor` present on one side must not compare
    // against Object.prototype's on the other.
    const at = (o: Record<string, unknown>, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);
    for (const k of unionKeys(a, b)) for (const p of changedPaths(at(a, k), at(b, k), prefix ? `${prefix}.${k}` : k)) out.push(p);
    return out;
  }
  return digestOf(a ?? null) === digestOf(b ?? null) ? [] : [prefix || '(value)'];
}

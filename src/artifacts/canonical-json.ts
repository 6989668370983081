/**
 * Canonical JSON (sorted object keys, no whitespace) and sha256, the two halves of every key and
 * digest: node keys, artifact digests, memo keys. Hand-written because the rules are ours:
 * `undefined` members are dropped (as JSON.stringify does), non-finite numbers and non-plain
 * values are rejected so that a key can never silently collapse two different values.
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: non-finite number at ${path}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return '[' + value.map((v, i) => (v === undefined ? 'null' : write(v, `${path}[${i}]`))).join(',') + ']';
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`canonical JSON: not a plain object at ${path}`);
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return '{' + keys.map((k) => JSON.stringify(k) + ':' + write(obj[k], `${path}.${k}`)).join(',') + '}';
    }
    default:
      throw new TypeError(`canonical JSON: cannot encode ${typeof value} at ${path}`);
  }
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of the canonical JSON of a value: how keys, artifact digests and memo keys are made. */
export function digestOf(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** Pretty, deterministic JSON for files people read (lock files): sorted keys, 2-space indent. */
export function prettyCanonicalJson(value: unknown): string {
  return JSON.stringify(JSON.parse(canonicalJson(value)), null, 2) + '\n';
}

/**
 * ajv errors -> our messages and the document path they point at. ajv speaks JSON Schema
 * (`array`, `object`); messages speak the YAML user's words (`list`, `map`). Schemas may carry
 * an `errorMessage` string (as yaml-language-server understands it) that replaces ajv's text.
 */
import type { ErrorObject } from 'ajv';
import { didYouMean } from './did-you-mean.js';

export type PathSeg = string | number;

export interface Problem {
  message: string;
  path: PathSeg[];
  /** Point at the key of the last path segment (unknown keys, bad names) or at its value. */
  at: 'key' | 'value';
  /** The schema keyword, so callers can treat e.g. unknown keys differently. */
  keyword: string;
}

const TYPE_WORDS: Record<string, string> = { array: 'list', object: 'map', null: 'null' };

export function typeWord(t: string): string {
  return TYPE_WORDS[t] ?? t;
}

/** The YAML user's name for a value's type. */
export function typeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'map';
  return typeof v;
}

/** `string "abc"`, `integer 3`, `a list`, `a map`, `null`. */
export function describeValue(v: unknown): string {
  const t = typeOf(v);
  if (t === 'list' || t === 'map') return `a ${t}`;
  if (t === 'null') return 'null';
  // JSON.stringify would show NaN and the infinities as `null`; these are YAML's spellings.
  if (typeof v === 'number' && !Number.isFinite(v)) return `number ${Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf'}`;
  return `${t} ${JSON.stringify(v)}`;
}

function pointerToPath(pointer: string): PathSeg[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function valueAt(data: unknown, path: PathSeg[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Object.hasOwn(cur, seg) ? (cur as Record<string, unknown>)[seg as string] : undefined;
  }
  return cur;
}

function list(values: unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? `\`${v}\`` : JSON.stringify(v))).join(', ');
}

/**
 * Translate ajv errors. `name(path)` renders a path for the message (e.g. `with.lr`,
 * `nodes.base.uses`). Combinator echoes (`if`, `anyOf`, propertyNames' inner errors) are dropped.
 */
export function translateAjvErrors(
  errors: readonly ErrorObject[],
  data: unknown,
  name: (path: PathSeg[]) => string,
  where: (path: PathSeg[]) => string = (path) => (path.length === 0 ? 'at the top level' : `in \`${name(path)}\``),
  subject: (path: PathSeg[]) => string = (path) => `\`${name(path)}\``,
): Problem[] {
  const out: Problem[] = [];
  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
    const value = valueAt(data, path);
    const custom = typeof parent.errorMessage === 'string' ? parent.errorMessage : undefined;
    if ((e as { propertyName?: string }).propertyName !== undefined) continue; // echoed by `propertyNames`
    switch (e.keyword) {
      case 'if':
        continue;
      case 'additionalProperties': {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        const props = Object.keys((parent.properties ?? {}) as object);
        out.push({ message: `unknown key \`${key}\` ${where(path)}${didYouMean(key, props)}`, path: [...path, key], at: 'key', keyword: e.keyword });
        continue;
      }
      case 'propertyNames': {
        const key = (e.params as { propertyName: string }).propertyName;
        const pn = (parent.propertyNames ?? {}) as Record<string, unknown>;
        const why = typeof pn.errorMessage === 'string' ? pn.errorMessage : 'invalid name';
        out.push({ message: `invalid name \`${key}\`: ${why}`, path: [...path, key], at: 'key', keyword: e.keyword });
        continue;
      }
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        out.push({ message: `missing required key \`${missing}\` ${where(path)}`, path, at: 'key', keyword: e.keyword });
        continue;
      }
    }
    let what: string;
    switch (e.keyword) {
      case 'type': {
        const t = (e.params as { type: string | string[] }).type;
        const types = (Array.isArray(t) ? t : String(t).split(',')).map(typeWord);
        what = `must be ${types.join(' or ')}`;
        break;
      }
      case 'enum':
        what = `must be one of ${list((e.params as { allowedValues: unknown[] }).allowedValues)}`;
        break;
      case 'const':
        what = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const p = e.params as { comparison: string; limit: number };
        what = `must be ${p.comparison} ${p.limit}`;
        break;
      }
      case 'minItems':
        what = `must have at least ${(e.params as { limit: number }).limit} item(s)`;
        break;
      case 'maxItems':
        what = `must have at most ${(e.params as { limit: number }).limit} item(s)`;
        break;
      case 'minProperties':
        what = `must have at least ${(e.params as { limit: number }).limit} key(s)`;
        break;
      case 'minLength':
        what = (e.params as { limit: number }).limit === 1 ? 'must not be empty' : `must be at least ${(e.params as { limit: number }).limit} characters`;
        break;
      case 'pattern':
        what = `must match /${(e.params as { pattern: string }).pattern}/`;
        break;
      default:
        what = e.message ?? `fails \`${e.keyword}\``;
    }
    const message = custom ?? `${subject(path)} ${what}, got ${describeValue(value)}`;
    out.push({ message, path, at: 'value', keyword: e.keyword });
  }
  // anyOf/oneOf report each branch plus a summary: keep only the summary at that path.
  const combinatorPaths = new Set(out.filter((p) => p.keyword === 'anyOf' || p.keyword === 'oneOf').map((p) => p.path.join('\0')));
  return out.filter((p) => p.keyword === 'anyOf' || p.keyword === 'oneOf' || !combinatorPaths.has(p.path.join('\0')));
}

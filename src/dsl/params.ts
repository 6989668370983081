/**
 * Pipeline params: declarations from the file and `--set key=value` overrides.
 *
 * A param is either a plain value (its type is inferred: integer, number, string, boolean,
 * list, map; `null` means any) or a declaration, a map whose keys are among
 * {type, default, description, enum} and include `type` or `default` (a map with `type:` naming a
 * param type and any other key is a misspelt declaration, an error). A declaration without a
 * default must be given with --set. `--set` values are parsed as YAML scalars (so `3` is an
 * integer and `[1, 2]` a list); for a string param the raw text is taken as is, so
 * `--set tag=001` stays "001". An integer is accepted where a number is declared.
 */
import { parseDocument, type Document } from 'yaml';
import { aliasProblems } from './check-aliases.js';
import { describeValue, typeOf } from './ajv-errors.js';
import { dict } from './dict.js';
import { didYouMean } from './did-you-mean.js';
import type { Diagnostics } from './diagnostics.js';
import type { SourceFile } from './source.js';
import type { Location } from './types.js';
import { deref, mapPairs } from './yaml-nav.js';

export const PARAM_TYPES = ['integer', 'number', 'string', 'boolean', 'list', 'map'] as const;
export type ParamType = (typeof PARAM_TYPES)[number] | 'any';

const DECL_KEYS = new Set(['type', 'default', 'description', 'enum']);

export interface ParamDecl {
  name: string;
  type: ParamType;
  value: unknown;
  /** False for a declaration without a default that --set did not provide. */
  hasValue: boolean;
  enum?: unknown[];
  description?: string;
  /** The param's key in the file, for messages about it. */
  loc: Location;
  /** Where its type comes from (the `type:` value or the plain value). */
  typeLoc: Location;
}

export function inferType(v: unknown): ParamType {
  if (v === null || v === undefined) return 'any';
  return typeOf(v) as ParamType;
}

export function matchesType(v: unknown, t: ParamType): boolean {
  if (t === 'any') return true;
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

function isDecl(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => DECL_KEYS.has(k)) && (keys.includes('type') || keys.includes('default'));
}

/** A map with `type:` naming a param type: meant as a declaration even if other keys are wrong. */
function looksLikeDecl(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string' && (PARAM_TYPES as readonly string[]).includes((v as { type: string }).type);
}

/** Read `params:` (already structurally valid as a map). */
export function readParams(doc: Document, paramsNode: unknown, src: SourceFile, diags: Diagnostics): Map<string, ParamDecl> {
  const out = new Map<string, ParamDecl>();
  for (const [name, pair] of mapPairs(doc, paramsNode)) {
    const valueNode = deref(doc, pair.value);
    const raw: unknown = valueNode ? (valueNode.toJS(doc) as unknown) : null;
    const loc = src.node(pair.key as never);
    if (!isDecl(raw) && looksLikeDecl(raw)) {
      // `{type: integer, defualt: 3}` is a misspelt declaration, not a map value.
      for (const [k, field] of mapPairs(doc, valueNode)) {
        if (!DECL_KEYS.has(k)) diags.error(`param \`${name}\`: unknown key \`${k}\` in a declaration${didYouMean(k, DECL_KEYS)}`, src.node(field.key));
      }
      out.set(name, { name, type: 'any', value: null, hasValue: true, loc, typeLoc: loc });
      continue;
    }
    if (!isDecl(raw)) {
      out.set(name, { name, type: inferType(raw), value: raw, hasValue: true, loc, typeLoc: src.node(valueNode as never) });
      continue;
    }
    const fields = mapPairs(doc, valueNode);
    const fieldLoc = (k: string): Location => src.node((fields.get(k)?.value ?? valueNode) as never);
    let type: ParamType;
    if (raw.type === undefined) {
      type = inferType(raw.default);
    } else if (typeof raw.type === 'string' && (PARAM_TYPES as readonly string[]).includes(raw.type)) {
      type = raw.type as ParamType;
    } else {
      diags.error(`param \`${name}\`: type must be one of ${PARAM_TYPES.join(', ')}, got ${describeValue(raw.type)}${typeof raw.type === 'string' ? didYouMean(raw.type, PARAM_TYPES) : ''}`, fieldLoc('type'));
      type = 'any';
    }
    const decl: ParamDecl = { name, type, value: raw.default, hasValue: Object.hasOwn(raw, 'default'), loc, typeLoc: fieldLoc(raw.type === undefined ? 'default' : 'type') };
    if (typeof raw.description === 'string') decl.description = raw.description;
    if (raw.enum !== undefined) {
      if (!Array.isArray(raw.enum) || raw.enum.length === 0) {
        diags.error(`param \`${name}\`: enum must be a non-empty list`, fieldLoc('enum'));
      } else {
        decl.enum = raw.enum;
        raw.enum.forEach((e, i) => {
          if (!matchesType(e, type)) {
            const at = src.node((deref(doc, fields.get('enum')?.value) as { items?: unknown[] } | undefined)?.items?.[i] as never);
            diags.error(`param \`${name}\`: enum value ${describeValue(e)} is not ${type}`, at.range ? at : fieldLoc('enum'));
          }
        });
      }
    }
    if (decl.hasValue) {
      if (!matchesType(decl.value, type)) {
        diags.error(`param \`${name}\`: default must be ${type}, got ${describeValue(decl.value)}`, fieldLoc('default'));
      } else if (decl.enum && !decl.enum.some((e) => JSON.stringify(e) === JSON.stringify(decl.value))) {
        diags.error(`param \`${name}\`: default ${describeValue(decl.value)} is not one of ${decl.enum.map((e) => JSON.stringify(e)).join(', ')}`, fieldLoc('default'));
      }
    }
    out.set(name, decl);
  }
  return out;
}

/**
 * A `--set` value as YAML, with the pipeline file's alias checks (an unresolved `*a`, a value
 * that contains itself, an alias bomb): otherwise they throw or never end downstream.
 */
function setValue(text: string): { ok: true; value: unknown } | { ok: false; why: string } {
  if (text.trim() === '') return { ok: true, value: '' };
  const doc = parseDocument(text, { prettyErrors: false, strict: true, merge: true, logLevel: 'error' });
  // yaml's message ends with ` at line 1, column N:`, which points into the flag, not the file.
  const first = doc.errors[0];
  if (first) return { ok: false, why: (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '') };
  const problem = aliasProblems(doc)[0];
  if (problem) return { ok: false, why: problem.message.replace(/^YAML: /, '') };
  return { ok: true, value: doc.toJS({ maxAliasCount: -1 }) as unknown };
}

/** Apply `--set key=value` strings; errors name the flag, the param and its type. */
export function applySets(decls: Map<string, ParamDecl>, sets: readonly string[], src: SourceFile, diags: Diagnostics): void {
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) {
      diags.error(`--set ${set}: expected key=value`, src.whole());
      continue;
    }
    const key = set.slice(0, eq).trim();
    const text = set.slice(eq + 1);
    const decl = decls.get(key);
    if (!decl) {
      const known = decls.size > 0 ? ` (its params: ${[...decls.keys()].join(', ')})` : ' (it declares no params)';
      diags.error(`--set ${set}: no param \`${key}\`${didYouMean(key, decls.keys()) || known}`, src.whole());
      continue;
    }
    const parsed = setValue(text);
    if (!parsed.ok) {
      diags.error(`--set ${set}: not a YAML value: ${parsed.why}`, decl.loc);
      continue;
    }
    let value = parsed.value;
    if (decl.type === 'string' && typeof value !== 'string') value = text;
    if (!matchesType(value, decl.type)) {
      diags.error(`--set ${set}: param \`${key}\` is ${decl.type}, got ${describeValue(value)}`, decl.typeLoc);
      continue;
    }
    if (decl.enum && !decl.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
      diags.error(`--set ${set}: param \`${key}\` must be one of ${decl.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${describeValue(value)}`, decl.typeLoc);
      continue;
    }
    decl.value = value;
    decl.hasValue = true;
  }
}

/** Final values; declarations still without a value are errors. */
export function finalParams(decls: Map<string, ParamDecl>, diags: Diagnostics): Record<string, unknown> {
  const out = dict<unknown>();
  for (const d of decls.values()) {
    if (!d.hasValue) {
      diags.error(`param \`${d.name}\` has no default: pass --set ${d.name}=VALUE`, d.loc);
      continue;
    }
    out[d.name] = d.value;
  }
  return out;
}

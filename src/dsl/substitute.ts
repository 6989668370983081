/**
 * Turns a `yaml` value node into plain data with `${params.x}`, `${item}` and `${matrix.axis}`
 * substituted, keeping node references as NodeRef markers (they become edges once every
 * expanded id is known). A string that is exactly one reference takes the value's own type; a
 * reference inside longer text is interpolated as text, which only scalars can be.
 */
import { isMap, isScalar, isSeq, type Document } from 'yaml';
import { typeOf } from './ajv-errors.js';
import { dict, hasOwn } from './dict.js';
import { didYouMean } from './did-you-mean.js';
import type { Diagnostics } from './diagnostics.js';
import { classify, NodeRef, scan, type RefToken } from './references.js';
import { slugify } from './slug.js';
import type { SourceFile } from './source.js';
import type { Location } from './types.js';
import { deref, mapPairs } from './yaml-nav.js';

/** One value a foreach or matrix axis ranges over: plain data or a NodeRef. */
export interface Item {
  value: unknown;
  /** The readable id suffix (`weight-entropy`, `fuse`, `0.001`). */
  slug: string;
  loc: Location;
}

export interface Scope {
  params: Record<string, unknown>;
  item?: Item;
  matrix?: Map<string, Item>;
  /** Why `${item}`/`${matrix.x}` are unavailable here, for the message. */
  where: string;
  /**
   * Present in a param where `${in.NAME}` is allowed (shell's `run`): each use is collected
   * here, to be checked against the node's inputs once they are resolved, and kept verbatim.
   */
  inputPaths?: Array<{ name: string; raw: string; loc: Location }>;
}

/** `${in.NAME}` kept as written: the node type fills in the path when it runs. */
class InputPath {
  constructor(readonly name: string) {}
  toString(): string {
    return `\${in.${this.name}}`;
  }
}

function clone<T>(v: T): T {
  return v !== null && typeof v === 'object' && !(v instanceof NodeRef) ? structuredClone(v) : v;
}

function reach(v: unknown, path: string[]): { ok: true; value: unknown } | { ok: false; at: string; keys: string[] } {
  let cur = v;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || cur instanceof NodeRef || !hasOwn(cur, seg)) {
      const keys = cur !== null && typeof cur === 'object' && !Array.isArray(cur) && !(cur instanceof NodeRef) ? Object.keys(cur) : [];
      return { ok: false, at: path.slice(0, i + 1).join('.'), keys };
    }
    cur = (cur as Record<string, unknown>)[seg];
  }
  return { ok: true, value: cur };
}

export class Substituter {
  /** Number of errors reported; callers compare before/after to know whether a value is sound. */
  errors = 0;

  constructor(
    private readonly doc: Document,
    private readonly src: SourceFile,
    private readonly diags: Diagnostics,
    /** Declared params without a value (already reported): references to them fail quietly. */
    private readonly unsetParams: ReadonlySet<string> = new Set(),
  ) {}

  private fail(message: string, loc: Location): undefined {
    this.errors++;
    this.diags.error(message, loc);
    return undefined;
  }

  /** The value of one reference, or undefined after reporting why not. */
  private resolve(tok: RefToken, scope: Scope, loc: Location): unknown {
    const ref = classify(tok.text);
    switch (ref.kind) {
      case 'invalid':
        return this.fail(`invalid reference \`${tok.raw}\`: ${ref.why}`, loc);
      case 'param': {
        if (this.unsetParams.has(ref.name)) {
          this.errors++;
          return undefined;
        }
        if (!hasOwn(scope.params, ref.name)) {
          return this.fail(`no param \`${ref.name}\`${didYouMean(ref.name, Object.keys(scope.params))}`, loc);
        }
        const r = reach(scope.params[ref.name], ref.path);
        if (!r.ok) return this.fail(`param \`${ref.name}\` has no key \`${r.at}\`${didYouMean(r.at.split('.').pop()!, r.keys)}`, loc);
        return clone(r.value);
      }
      case 'item': {
        if (!scope.item) return this.fail(`\`${tok.raw}\` is only defined in a node with \`foreach\`${scope.where}`, loc);
        const r = reach(scope.item.value, ref.path);
        if (!r.ok) {
          const what = r.keys.length > 0 || r.at.includes('.') ? '' : ` (the item is ${typeOf(scope.item.value)}, not a map)`;
          return this.fail(`the foreach item has no key \`${r.at}\`${what}${didYouMean(r.at.split('.').pop()!, r.keys)}`, loc);
        }
        return clone(r.value);
      }
      case 'matrix': {
        if (!scope.matrix) return this.fail(`\`${tok.raw}\` is only defined in a node with \`matrix\`${scope.where}`, loc);
        const it = scope.matrix.get(ref.axis);
        if (!it) return this.fail(`no matrix axis \`${ref.axis}\`${didYouMean(ref.axis, scope.matrix.keys())}`, loc);
        return clone(it.value);
      }
      case 'node':
        return new NodeRef(ref.target, ref.glob, tok.raw, loc, undefined, ref.port);
      case 'input':
        if (!scope.inputPaths) {
          return this.fail(
            `\`${tok.raw}\` (the path of an input's files) is only available in a shell node's \`run\`; elsewhere, pass the node itself as an input (\`\${${ref.name}}\`)`,
            loc,
          );
        }
        scope.inputPaths.push({ name: ref.name, raw: tok.raw, loc });
        return new InputPath(ref.name);
    }
  }

  /**
   * Resolve references nested inside a reference, innermost first: `${step.${item}}` is the
   * node of group `step` expanded for the same item. Inside a node reference the value is
   * slugified, as expanded ids are; inside `${params.…}`/`${item.…}` it is used as text.
   * A foreach item or matrix value that is a node (from `${data.*}`) stands, inside a node
   * reference, for its id, which is how a group over that node names its node: so groups that
   * all range over `${data.*}` follow one another (`${base.${item}}` is base's node for the
   * same dataset).
   */
  private unnest(s: string, node: unknown, scope: Scope): string | undefined {
    const NESTED = /\$\{([^{}]*?)\$\{([^{}$]*)\}/;
    for (let m = NESTED.exec(s); m; m = NESTED.exec(s)) {
      const outer = m[1]!;
      const inner = `\${${m[2]!}}`;
      const loc = this.src.within(node as never, inner);
      const innerText = m[2]!.trim();
      const v = this.resolve({ text: innerText, raw: inner }, scope, loc);
      if (v === undefined) return undefined;
      const inNodeRef = !/^\s*(params|item|matrix)(\.|$)/.test(outer);
      const fromItem = ['item', 'matrix'].includes(classify(innerText).kind);
      if (v instanceof NodeRef && inNodeRef && fromItem && !v.glob) {
        s = s.slice(0, m.index) + '${' + outer + v.slug + s.slice(m.index + m[0].length);
        continue;
      }
      if (v instanceof NodeRef || (v !== null && typeof v === 'object')) {
        return this.fail(`\`${inner}\` inside a reference must be a plain value (a param, item or matrix value), not ${v instanceof NodeRef ? 'a node reference' : 'a list or map'}`, loc);
      }
      const asText = inNodeRef ? slugify(v) : String(v);
      s = s.slice(0, m.index) + '${' + outer + asText + s.slice(m.index + m[0].length);
    }
    return s;
  }

  /** Substitute inside one string found at `node` (for locations). */
  string(text: string, node: unknown, scope: Scope): unknown {
    const first = text.indexOf('${');
    const s = first !== -1 && text.indexOf('${', first + 2) !== -1 ? this.unnest(text, node, scope) : text;
    if (s === undefined) return undefined;
    const sc = scan(s);
    if (sc.unclosed !== undefined) {
      const shown = sc.unclosed.length > 40 ? `${sc.unclosed.slice(0, 40)}…` : sc.unclosed;
      return this.fail(`unterminated reference \`${shown}\`: close it with \`}\` (for a literal \`\${\`, write \`$\${\`)`, this.src.within(node as never, sc.unclosed));
    }
    if (!sc.hasRefs) return sc.parts.join('');
    if (sc.exact) {
      const v = this.resolve(sc.exact, scope, this.src.within(node as never, sc.exact.raw));
      return v instanceof InputPath ? v.toString() : v;
    }
    // Every reference in the text is checked, so one run of `validate` names all the bad ones.
    let out: string | undefined = '';
    const seen = new Map<string, number>();
    for (const part of sc.parts) {
      if (typeof part === 'string') {
        if (out !== undefined) out += part;
        continue;
      }
      const n = seen.get(part.raw) ?? 0;
      seen.set(part.raw, n + 1);
      const loc = this.src.within(node as never, part.raw, n);
      const v = this.resolve(part, scope, loc);
      if (v instanceof NodeRef) {
        out = this.fail(
          `node reference \`${part.raw}\` inside text: a reference to a node must be the whole value (it becomes an input edge); ` +
            `for a literal \`\${\` such as a shell variable, write \`$${part.raw}\`; ` +
            `for the path of a node's outputs in a shell \`run\`, list the node under \`data\` and write \`\${in.${v.target}}\``,
          loc,
        );
      } else if (v instanceof InputPath) {
        if (out !== undefined) out += v.toString();
      } else if (v !== null && typeof v === 'object') {
        out = this.fail(`cannot interpolate ${Array.isArray(v) ? 'a list' : 'a map'} (\`${part.raw}\`) into text; use it as the whole value`, loc);
      } else if (v === undefined) {
        out = undefined;
      } else if (out !== undefined) {
        out += String(v);
      }
    }
    return out;
  }

  /** Convert a yaml node (maps, lists, scalars, aliases) with substitution. */
  value(n: unknown, scope: Scope): unknown {
    const node = deref(this.doc, n);
    if (node === null || node === undefined) return null;
    if (isScalar(node)) {
      return typeof node.value === 'string' ? this.string(node.value, node, scope) : node.value;
    }
    if (isSeq(node)) return node.items.map((x) => this.value(x, scope));
    if (isMap(node)) {
      const out = dict<unknown>();
      for (const [k, pair] of mapPairs(this.doc, node)) out[k] = this.value(pair.value, scope);
      return out;
    }
    return null;
  }
}

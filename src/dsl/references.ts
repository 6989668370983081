/**
 * The `${...}` reference syntax. A string is scanned into literal text and references; `$${`
 * escapes a literal `${` (for shell commands such as `echo $${HOME}`).
 *
 *   ${params.x}      a pipeline param (`${params.x.y}` reaches into a map param)
 *   ${item}          the foreach item (`${item.key}` reaches into a map item)
 *   ${matrix.axis}   the matrix value of one axis
 *   ${id}            node `id`'s default (first) output; an edge
 *   ${id.port}       a named output port of node `id`; ids may contain dots (`score.a.out`)
 *   ${id.*}          every node expanded from the group written as `id` (a list)
 *   ${id.*.port}     the same nodes' output `port` (`${distill.*.distillation}`)
 *   ${in.NAME}       the path of input NAME's materialized files, in the string params a type
 *                    names (shell's `run`); kept verbatim for the node to fill in at run time
 */
import type { Location } from './types.js';

export interface RefToken {
  /** Inside the braces, trimmed. */
  text: string;
  /** As written, `${...}`, to find it in the source and quote it in messages. */
  raw: string;
}

export interface Scanned {
  parts: Array<string | RefToken>;
  /** A `${` with no closing `}`, as written to its end (`${params.n`), when there is one. */
  unclosed?: string;
  /** Set when the whole string is exactly one reference: it then keeps the value's type. */
  exact?: RefToken;
  hasRefs: boolean;
}

const REF_RE = /\$?\$\{([^}]*)\}/g;

/**
 * Templates repeat the same strings once per expansion; scanning and classifying are pure, so
 * results are kept (bounded) across calls. Callers must not mutate what they get.
 */
const MEMO_LIMIT = 50_000;
const scanMemo = new Map<string, Scanned>();
const classifyMemo = new Map<string, Ref>();

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

export function scan(s: string): Scanned {
  return scanMemo.get(s) ?? remember(scanMemo, s, scanUncached(s));
}

export function classify(text: string): Ref {
  return classifyMemo.get(text) ?? remember(classifyMemo, text, classifyUncached(text));
}

function scanUncached(s: string): Scanned {
  if (!s.includes('${')) return { parts: [s], hasRefs: false };
  const parts: Array<string | RefToken> = [];
  let last = 0;
  let text = '';
  let refs = 0;
  for (const m of s.matchAll(REF_RE)) {
    text += s.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[0].startsWith('$$')) {
      text += m[0].slice(1); // `$${x}` -> literal `${x}`
      continue;
    }
    if (text !== '') parts.push(text);
    text = '';
    parts.push({ text: m[1]!.trim(), raw: m[0] });
    refs++;
  }
  const tail = s.slice(last);
  text += tail;
  if (text !== '') parts.push(text);
  const open = /(^|[^$])\$\{/.exec(tail);
  const unclosed = open ? tail.slice(open.index + open[1]!.length) : undefined;
  const only = parts.length === 1 && typeof parts[0] !== 'string' ? parts[0] : undefined;
  const out: Scanned = only ? { parts, exact: only, hasRefs: true } : { parts, hasRefs: refs > 0 };
  if (unclosed !== undefined) out.unclosed = unclosed;
  return out;
}

export type Ref =
  | { kind: 'param'; name: string; path: string[] }
  | { kind: 'item'; path: string[] }
  | { kind: 'matrix'; axis: string }
  | { kind: 'input'; name: string }
  | { kind: 'node'; target: string; glob: boolean; port?: string }
  | { kind: 'invalid'; why: string };

const NODE_REF = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function classifyUncached(text: string): Ref {
  if (text === '') return { kind: 'invalid', why: 'empty reference' };
  const [head, ...rest] = text.split('.');
  if (head === 'params') {
    if (rest.length === 0 || rest.some((s) => s === '')) return { kind: 'invalid', why: 'write `${params.NAME}`' };
    return { kind: 'param', name: rest[0]!, path: rest.slice(1) };
  }
  if (head === 'item') {
    if (rest.some((s) => s === '')) return { kind: 'invalid', why: 'write `${item}` or `${item.KEY}`' };
    return { kind: 'item', path: rest };
  }
  if (head === 'in') {
    const name = rest.join('.');
    if (rest.length === 0 || rest.some((s) => s === '') || !NODE_REF.test(name)) return { kind: 'invalid', why: 'write `${in.NAME}` with NAME one of the node\'s inputs (a node id, or ID.PORT)' };
    return { kind: 'input', name };
  }
  if (head === 'matrix') {
    if (rest.length !== 1 || rest[0] === '') return { kind: 'invalid', why: 'write `${matrix.AXIS}`' };
    return { kind: 'matrix', axis: rest[0]! };
  }
  const globPort = /^(.*?)\.\*\.(.*)$/.exec(text);
  if (globPort) {
    const [, target, port] = globPort as unknown as [string, string, string];
    if (!NODE_REF.test(target) || target.includes('.') || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(port)) {
      return { kind: 'invalid', why: 'a glob with a port is `${ID.*.PORT}` with ID a node id as written' };
    }
    return { kind: 'node', target, glob: true, port };
  }
  if (text.endsWith('.*')) {
    const target = text.slice(0, -2);
    if (!NODE_REF.test(target) || target.includes('.')) return { kind: 'invalid', why: 'a glob is `${ID.*}` with ID a node id as written' };
    return { kind: 'node', target, glob: true };
  }
  if (!NODE_REF.test(text) || text.endsWith('.') || text.includes('..')) {
    return { kind: 'invalid', why: 'expected ${params.x}, ${id}, ${id.port}, ${id.*}, ${id.*.port}, ${item} or ${matrix.axis}' };
  }
  return { kind: 'node', target: text, glob: false };
}

/**
 * A reference to other nodes, carried through substitution until every expanded id is known.
 * `member` is preset for the items a foreach glob produced (one expanded node each).
 */
export class NodeRef {
  constructor(
    /** As written inside the braces, without `.*`: `data`, `base.model`, `score`. */
    readonly target: string,
    readonly glob: boolean,
    /** `${...}` as written, for messages. */
    readonly raw: string,
    readonly loc: Location,
    readonly member?: string,
    /** A glob's output port (`${id.*.port}`); absent: each node's default output. */
    readonly port?: string,
  ) {}

  /** Readable suffix for ids expanded over this reference (`curve.fuse`). */
  get slug(): string {
    return this.member ?? this.target;
  }
}

export function containsNodeRef(v: unknown): NodeRef | undefined {
  if (v instanceof NodeRef) return v;
  if (Array.isArray(v)) {
    for (const x of v) {
      const r = containsNodeRef(x);
      if (r) return r;
    }
  } else if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) {
      const r = containsNodeRef(x);
      if (r) return r;
    }
  }
  return undefined;
}

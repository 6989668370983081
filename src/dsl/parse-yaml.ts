/**
 * Stage 1: text -> `yaml` Document with positions, plus every syntax problem as a diagnostic.
 *
 * One YAML pitfall gets its own explanation: `${...}` is a plain scalar in block style, but
 * inside a flow collection (`[...]`, `{...}`) YAML reads `{` as the start of a map, so
 * `[${a}]` parses as `[{"$": {"a": null}}]` with cryptic errors. We find each such reference
 * with yaml's lexer (a plain scalar ending in `$` directly followed by `{`), report it with the
 * quoted form to write instead, and re-parse with them blanked out so yaml's echoes of them vanish.
 */
import { isMap, isScalar, isSeq, Lexer, parseDocument, type Document, type Node } from 'yaml';
import { Diagnostics } from './diagnostics.js';
import type { SourceFile } from './source.js';
import { aliasProblems } from './check-aliases.js';
import { isMergePair } from './yaml-nav.js';

/** Lexer control tokens take no room in the source text. */
const CONTROL = new Set(['\x02', '\x18', '\x1f']);

interface FlowRef {
  start: number;
  end: number;
  /** The whole unquoted scalar the reference sits in, e.g. `score/${item}`. */
  scalar: string;
}

function unquotedFlowRefs(text: string): FlowRef[] {
  const found: FlowRef[] = [];
  let offset = 0;
  let prev: { token: string; at: number } | undefined;
  let prevWasScalarStart = false;
  let scalarStart = false;
  for (const token of new Lexer().lex(text)) {
    if (CONTROL.has(token)) {
      scalarStart = token === '\x1f';
      continue;
    }
    if (token === '{' && prev && prevWasScalarStart && prev.token.endsWith('$') && prev.at + prev.token.length === offset) {
      const start = offset - 1;
      const close = text.indexOf('}', offset);
      const end = close === -1 ? offset + 1 : close + 1;
      // The value to quote runs from the scalar's start to the next flow indicator or line end.
      const stop = /[,\]\n]|\}/g;
      stop.lastIndex = end;
      const m = stop.exec(text);
      const valueEnd = m ? m.index : text.length;
      found.push({ start, end, scalar: text.slice(prev.at, valueEnd).trim() });
    }
    prev = { token, at: offset };
    prevWasScalarStart = scalarStart;
    scalarStart = false;
    offset += token.length;
  }
  return found;
}

export interface Parsed {
  doc: Document.Parsed;
  ok: boolean;
}

/**
 * Duplicate keys, checked here in one pass: yaml's own `uniqueKeys` compares each key with every
 * earlier one, which is quadratic in a 2,000-node `nodes:` map.
 */
function duplicateKeys(doc: Document.Parsed, src: SourceFile, diags: Diagnostics): void {
  const walk = (n: unknown): void => {
    if (isMap(n)) {
      const seen = new Map<unknown, Node>();
      for (const pair of n.items) {
        const k = pair.key;
        if (isMap(k) || isSeq(k)) {
          // JS objects cannot key by a list or map: toJS would stringify it (and yaml print a
          // warning of its own). Nothing in a pipeline needs one.
          diags.error(`a map key must be a plain value, not ${isMap(k) ? 'a map' : 'a list'}`, src.node(k));
        }
        if (isScalar(k) && !isMergePair(pair)) {
          const prev = seen.get(k.value);
          if (prev) diags.error(`duplicate key \`${String(k.value)}\``, src.node(k), [{ message: 'first defined here', location: src.node(prev) }]);
          else seen.set(k.value, k);
        }
        walk(pair.value);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) walk(item);
    }
  };
  walk(doc.contents);
}

export function parseYaml(src: SourceFile, diags: Diagnostics): Parsed {
  // logLevel: yaml's warnings go to process.emitWarning (stderr); problems are diagnostics here.
  const options = { prettyErrors: false, uniqueKeys: false, strict: true, merge: true, logLevel: 'error' } as const;
  let doc = parseDocument(src.text, options);
  // An unquoted `${` in a flow collection always makes yaml report an error, so the extra
  // lexer pass is only needed then.
  const flowRefs = doc.errors.length > 0 ? unquotedFlowRefs(src.text) : [];
  for (const r of flowRefs) {
    const ref = src.text.slice(r.start, r.end);
    diags.error(
      `unquoted \`${ref}\` inside a flow collection ([...] or {...}): YAML reads \`{\` as the start of a map; quote it: "${r.scalar}"`,
      src.range(r.start, r.end),
    );
  }
  if (flowRefs.length > 0) {
    // yaml's errors downstream of such a reference are echoes of it. Blank the references out
    // (same length, so positions hold) and parse again to find the problems that are real.
    let patched = src.text;
    for (const r of flowRefs) patched = patched.slice(0, r.start) + 'x'.repeat(r.end - r.start) + patched.slice(r.end);
    doc = parseDocument(patched, options);
  }
  for (const e of doc.errors) {
    let [start, end] = e.pos;
    // yaml often reports indentation problems at the line start: point at the first token.
    while (src.text[start] === ' ' || src.text[start] === '\t') start++;
    end = Math.max(end, start + 1);
    const loc = src.range(start, end);
    diags.error(`YAML: ${e.message.split('\n')[0]}`, loc);
  }
  const before = diags.count;
  duplicateKeys(doc, src, diags);
  // Only on a document yaml parsed cleanly: its own errors come first, and may leave dangling aliases.
  if (doc.errors.length === 0) for (const p of aliasProblems(doc)) diags.error(p.message, src.node(p.node));
  return { doc, ok: doc.errors.length === 0 && flowRefs.length === 0 && diags.count === before };
}

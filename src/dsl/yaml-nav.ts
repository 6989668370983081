/**
 * Walking the `yaml` node tree by path, so that a problem found on plain data (an ajv error at
 * `/nodes/base/with/lr`) can be pointed at in the source: the key or the value.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import type { PathSeg } from './ajv-errors.js';

export type YNode = Node | null | undefined;

/** Follow aliases (`*anchor`) to the node they stand for. */
export function deref(doc: Document, n: unknown): YNode {
  let cur = n as YNode;
  for (let i = 0; i < 32 && isAlias(cur); i++) cur = cur.resolve(doc) as YNode;
  return cur;
}

export function keyString(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return k.value === null ? 'null' : String(k.value);
  return undefined;
}

/** A YAML merge key `<<` (parsed with `merge: true`, yaml gives it a symbol value). */
export function isMergePair(pair: Pair): boolean {
  return isScalar(pair.key) && (typeof pair.key.value === 'symbol' || (pair.key.value === '<<' && pair.key.type === 'PLAIN'));
}

/**
 * The pairs of a map node, by key, with YAML merge keys applied (`<<: *defaults` or
 * `<<: [*a, *b]`): the map's own keys win, then earlier merged maps over later ones, as in
 * `toJS`. Locations of merged values point into the anchored map, where their text is.
 */
export function mapPairs(doc: Document, n: unknown, depth = 0): Map<string, Pair<Node, Node>> {
  const out = new Map<string, Pair<Node, Node>>();
  const m = deref(doc, n);
  if (!isMap(m)) return out;
  const merges: unknown[] = [];
  for (const item of m.items) {
    if (!isPair(item)) continue;
    if (isMergePair(item)) {
      const v = deref(doc, item.value);
      for (const x of isSeq(v) ? v.items : [v]) merges.push(x);
      continue;
    }
    const k = keyString(item);
    if (k !== undefined && !out.has(k)) out.set(k, item as Pair<Node, Node>);
  }
  if (depth < 16) {
    for (const src of merges) {
      for (const [k, pair] of mapPairs(doc, src, depth + 1)) if (!out.has(k)) out.set(k, pair);
    }
  }
  return out;
}

export function seqItems(doc: Document, n: unknown): Node[] {
  const s = deref(doc, n);
  return isSeq(s) ? (s.items as Node[]) : [];
}

export interface Located {
  /** The deepest node reached along the path, and whether the whole path was found. */
  node: YNode;
  complete: boolean;
}

/**
 * The node at `path` below `root`: with `at: 'key'` the key node of the last segment when it
 * is a map key. Stops at the deepest existing ancestor when the path runs out of the document.
 */
export function locate(doc: Document, root: unknown, path: readonly PathSeg[], at: 'key' | 'value'): Located {
  let cur = deref(doc, root);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(cur)) {
      const pair = mapPairs(doc, cur).get(String(seg));
      if (!pair) return { node: cur, complete: false };
      if (last && at === 'key') return { node: pair.key, complete: true };
      const v = deref(doc, pair.value);
      // `key:` with no value has no value node, or an empty one after the colon: point at the key.
      if (!v || !v.range || v.range[0] === v.range[1]) return { node: pair.key, complete: last };
      cur = v;
    } else if (isSeq(cur) && typeof seg === 'number') {
      const item = deref(doc, cur.items[seg]);
      if (!item) return { node: cur, complete: false };
      cur = item;
    } else {
      return { node: cur, complete: false };
    }
  }
  return { node: cur, complete: true };
}

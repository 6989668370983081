/**
 * Anchors and aliases checked on the node tree before anything resolves them: `toJS`, our
 * `deref` and every walk that follows aliases would otherwise throw (an unresolved `*a` is a
 * ReferenceError, `<<: *scalar` an Error), recurse without end (`foreach: &a [x, *a]`), or
 * take exponential time and memory (an alias bomb, "billion laughs").
 *
 * One pass in document order, the order `yaml`'s `Alias.resolve` uses (an alias stands for the
 * last node anchored with its name before it, an enclosing node included). The walk is
 * iterative, so no nesting depth that `yaml` accepted can overflow the stack here. Given the
 * checks, the aliases form a DAG (a target ends before its alias starts), so the expanded size
 * of every node is known when the walk leaves it.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type Node, type Pair } from 'yaml';
import { isMergePair } from './yaml-nav.js';

/**
 * At most this many values (scalars, lists and maps) once every alias is expanded: far above
 * any real pipeline (a generated 2,000-node one has about 20,000), far below what exhausts
 * memory or time.
 */
export const MAX_EXPANDED_VALUES = 1_000_000;

export interface AliasProblem {
  message: string;
  /** Where to point: the alias, or the merge value. */
  node: Node;
}

type Frame = { enter: true; item: unknown } | { enter: false; item: Node | Pair };

function count(n: number): string {
  return n < 1e15 ? Math.round(n).toLocaleString('en-US') : 'more than 10^15';
}

function kindOf(n: Node | undefined): string {
  if (isMap(n)) return 'a map';
  if (isSeq(n)) return 'a list';
  if (isScalar(n)) return n.value === null ? 'null' : `the scalar \`${String(n.value)}\``;
  return 'nothing';
}

export function aliasProblems(doc: Document): AliasProblem[] {
  const problems: AliasProblem[] = [];
  const anchors = new Map<string, Node>();
  const open = new Set<unknown>();
  /** Resolved target of each alias; absent when unresolved or recursive (already reported). */
  const target = new Map<Alias, Node>();
  const size = new Map<unknown, number>();
  const sizeOf = (n: unknown): number => (isAlias(n) ? size.get(target.get(n)) ?? 1 : size.get(n) ?? (n ? 1 : 0));
  let biggest: { alias: Alias; size: number } | undefined;

  const stack: Frame[] = [{ enter: true, item: doc.contents }];
  while (stack.length > 0) {
    const f = stack.pop()!;
    const item = f.item;
    if (!f.enter) {
      open.delete(item);
      const children = isPair(item) ? [item.key, item.value] : (item as { items?: unknown[] }).items ?? [];
      let s = isPair(item) ? 0 : 1;
      for (const c of children) s += sizeOf(c);
      size.set(item, Math.min(s, 1e300));
      if (isMap(item)) for (const pair of item.items) if (isMergePair(pair)) checkMerge(pair);
      continue;
    }
    if (item === null || item === undefined) continue;
    if (isAlias(item)) {
      const t = anchors.get(item.source);
      if (!t) {
        problems.push({ message: `YAML: alias \`*${item.source}\` has no anchor \`&${item.source}\` before it (an anchor must come first)`, node: item });
      } else if (open.has(t)) {
        problems.push({ message: `YAML: alias \`*${item.source}\` is inside the node anchored \`&${item.source}\` that it stands for, so its value would contain itself without end`, node: item });
      } else {
        target.set(item, t);
        const s = sizeOf(t);
        if (!biggest || s > biggest.size) biggest = { alias: item, size: s };
      }
      continue;
    }
    if (isPair(item) || isMap(item) || isSeq(item) || isScalar(item)) {
      const anchor = (item as { anchor?: string }).anchor;
      if (anchor) anchors.set(anchor, item as Node);
      if (isScalar(item)) continue;
      open.add(item);
      stack.push({ enter: false, item: item as Node | Pair });
      const children = isPair(item) ? [item.key, item.value] : item.items;
      for (let i = children.length - 1; i >= 0; i--) stack.push({ enter: true, item: children[i] });
    }
  }

  function resolved(n: unknown): Node | undefined | false {
    if (isAlias(n)) return target.get(n) ?? false; // false: the alias itself was reported
    return n as Node | undefined;
  }

  function checkMerge(pair: Pair): void {
    const v = resolved(pair.value);
    if (v === false || isMap(v)) return;
    const at = (pair.value ?? pair.key) as Node;
    const what = isAlias(pair.value) ? `\`*${pair.value.source}\` is ${kindOf(v)}` : `got ${kindOf(v)}`;
    if (!isSeq(v)) {
      problems.push({ message: `YAML: a merge key \`<<\` takes a map or a list of maps (such as \`*defaults\` or \`[*a, *b]\`); ${what}`, node: at });
      return;
    }
    for (const it of v.items) {
      const m = resolved(it);
      if (m === false || isMap(m)) continue;
      const itWhat = isAlias(it) ? `\`*${it.source}\` is ${kindOf(m)}` : `got ${kindOf(m)}`;
      problems.push({ message: `YAML: a merge key \`<<\` merges maps only; in its list, ${itWhat}`, node: (isAlias(it) || isScalar(it) || isMap(it) || isSeq(it) ? it : at) as Node });
    }
  }

  const total = sizeOf(doc.contents);
  if (total > MAX_EXPANDED_VALUES && biggest) {
    problems.push({
      message: `YAML: aliases expand this document to ${count(total)} values, above the limit of ${count(MAX_EXPANDED_VALUES)} (an alias bomb?); \`*${biggest.alias.source}\` alone stands for ${count(biggest.size)}`,
      node: biggest.alias,
    });
  }
  return problems;
}

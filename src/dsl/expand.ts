/**
 * Stage 3: written nodes ("groups") -> instances with stable readable ids.
 *
 * - No foreach/matrix: one instance, id as written.
 * - `foreach`: one instance per item, id `group.<slug(item)>`. An item that is exactly
 *   `${x.*}` splices one item per node of group x (id `group.<that node's id>`); exactly
 *   `${params.list}` splices the list's elements; exactly `${x}`/`${x.port}` is one node
 *   reference (id `group.x`).
 * - `matrix`: one instance per combination of the axes in written order, minus `exclude`
 *   entries; id `group.<slug1>.<slug2>...`.
 * Groups are expanded in the order their foreach/matrix globs need (a group that ranges over
 * `${score.*}` expands after `score`).
 *
 * An expansion that produces no node is an error (a typo'd glob, an empty list by mistake),
 * unless the node says `optional: true`: then it is simply absent, and `${x.*}` of it is an
 * empty list (a foreach over `["${a.*}", "${x.*}"]` ranges over a's nodes alone). That is how
 * a pipeline takes an optional list from its params, such as extra datasets that default to
 * none (pipelines/paper.yaml).
 */
import { isScalar, type Document, type Node, type Pair } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import type { Diagnostics } from './diagnostics.js';
import { classify, containsNodeRef, NodeRef, scan } from './references.js';
import { slugify } from './slug.js';
import type { SourceFile } from './source.js';
import { Substituter, type Item, type Scope } from './substitute.js';
import type { Location } from './types.js';
import { deref, mapPairs, seqItems } from './yaml-nav.js';

export interface Group {
  id: string;
  /** Order in the file, for deterministic "first defined" choices. */
  index: number;
  key: Node;
  fields: Map<string, Pair<Node, Node>>;
  /** Structurally invalid: not expanded, and references to it are not reported again. */
  broken: boolean;
}

export interface Instance {
  id: string;
  group: Group;
  scope: Scope;
  /** The node's key in the file. */
  loc: Location;
  /** Where this instance came from: the foreach item, or the node key. */
  origin: Location;
  /** Position within the group's expansion, for ordering. */
  ordinal: number;
}

export interface Expansion {
  instances: Instance[];
  /** Group id -> ids of its instances (empty when expansion failed, or for an `emptyGroups` member). */
  members: Map<string, string[]>;
  /** `optional: true` groups that produced no node: references to them are empty, not errors. */
  emptyGroups: Set<string>;
}

const NO_LOOP = ' (not inside foreach or matrix values)';

export class Expander {
  private readonly members = new Map<string, string[]>();
  private readonly state = new Map<string, 'active' | 'done'>();
  private readonly out: Instance[] = [];
  private readonly emptyGroups = new Set<string>();

  constructor(
    private readonly doc: Document,
    private readonly src: SourceFile,
    private readonly diags: Diagnostics,
    private readonly sub: Substituter,
    private readonly groups: Map<string, Group>,
    private readonly params: Record<string, unknown>,
  ) {}

  run(): Expansion {
    for (const g of this.groups.values()) this.expand(g, []);
    this.out.sort((a, b) => a.group.index - b.group.index || a.ordinal - b.ordinal);
    return { instances: this.out, members: this.members, emptyGroups: this.emptyGroups };
  }

  private scope0(): Scope {
    return { params: this.params, where: NO_LOOP };
  }

  /** Groups whose `${x.*}` appears in g's foreach or matrix. */
  private globDeps(g: Group): Array<{ target: string; loc: Location }> {
    const deps: Array<{ target: string; loc: Location }> = [];
    const visit = (n: unknown): void => {
      const node = deref(this.doc, n);
      if (!node) return;
      if (isScalar(node)) {
        if (typeof node.value !== 'string') return;
        for (const p of scan(node.value).parts) {
          if (typeof p === 'string') continue;
          const r = classify(p.text);
          if (r.kind === 'node' && r.glob) deps.push({ target: r.target, loc: this.src.within(node, p.raw) });
        }
        return;
      }
      for (const x of seqItems(this.doc, node)) visit(x);
      for (const [, pair] of mapPairs(this.doc, node)) visit(pair.value);
    };
    visit(g.fields.get('foreach')?.value);
    visit(g.fields.get('matrix')?.value);
    return deps;
  }

  private expand(g: Group, trail: string[]): void {
    const st = this.state.get(g.id);
    if (st === 'done') return;
    if (st === 'active') {
      const cycle = [...trail.slice(trail.indexOf(g.id)), g.id];
      this.diags.error(`foreach/matrix globs form a cycle: ${cycle.join(' -> ')}`, this.src.node(g.key));
      this.members.set(g.id, []);
      return;
    }
    this.state.set(g.id, 'active');
    for (const dep of this.globDeps(g)) {
      const dg = this.groups.get(dep.target);
      if (dg && dg !== g) this.expand(dg, [...trail, g.id]);
      else if (dg === g) this.diags.error(`\`${g.id}\` cannot range over its own nodes (\`\${${g.id}.*}\`)`, dep.loc);
    }
    if (!this.members.has(g.id)) this.members.set(g.id, g.broken ? [] : this.instancesOf(g).map((i) => i.id));
    this.state.set(g.id, 'done');
  }

  private instancesOf(g: Group): Instance[] {
    const loc = this.src.node(g.key);
    const foreach = g.fields.get('foreach');
    const matrix = g.fields.get('matrix');
    const made: Instance[] = [];
    const push = (id: string, scope: Scope, origin: Location): void => {
      const inst: Instance = { id, group: g, scope, loc, origin, ordinal: made.length };
      made.push(inst);
      this.out.push(inst);
    };
    if (foreach && matrix) {
      this.diags.error(`node \`${g.id}\`: use either \`foreach\` or \`matrix\`, not both`, this.src.node(matrix.key));
      return made;
    }
    const optional = this.optional(g, foreach ?? matrix);
    if (foreach) {
      const items = this.itemsOf(foreach.value, `foreach of \`${g.id}\``);
      if (items === undefined) return made;
      if (items.length === 0 && optional) {
        this.emptyGroups.add(g.id);
        return made;
      }
      if (items.length === 0) {
        this.diags.error(`node \`${g.id}\`: foreach produces no node (the list is empty)`, this.src.node(deref(this.doc, foreach.value) ?? foreach.key));
        return made;
      }
      items.forEach((item, i) => {
        const slug = item.slug !== '' ? item.slug : String(i);
        push(`${g.id}.${slug}`, { params: this.params, item, where: '' }, item.loc);
      });
      return made;
    }
    if (matrix) {
      const combos = this.combinations(g, matrix, optional);
      if (combos === 'empty') {
        this.emptyGroups.add(g.id);
        return made;
      }
      for (const combo of combos) {
        const slugs = [...combo.values()].map((it, i) => (it.slug !== '' ? it.slug : String(i)));
        push(`${g.id}.${slugs.join('.')}`, { params: this.params, matrix: combo, where: '' }, loc);
      }
      return made;
    }
    push(g.id, { params: this.params, where: ' (this node has neither)' }, loc);
    return made;
  }

  /**
   * The node's `optional: true` (its expansion may produce no node). It means something only
   * with foreach or matrix: elsewhere it is an error, as a mistake would otherwise pass silently.
   */
  private optional(g: Group, expansion: Pair<Node, Node> | undefined): boolean {
    const pair = g.fields.get('optional');
    if (!pair) return false;
    const on = deref(this.doc, pair.value);
    const value = isScalar(on) ? on.value : undefined;
    if (value === true && !expansion) {
      this.diags.error(`node \`${g.id}\`: \`optional\` applies to a node with \`foreach\` or \`matrix\` (an expansion that may produce no node)`, this.src.node(pair.key));
    }
    return value === true;
  }

  /** Items of a foreach list or matrix axis; undefined after an error (or a broken upstream). */
  private itemsOf(listNode: unknown, what: string): Item[] | undefined {
    const node = deref(this.doc, listNode);
    const elements = isScalar(node) ? [node] : seqItems(this.doc, node);
    const items: Item[] = [];
    let ok = true;
    for (const el of elements) {
      const got = this.itemsOfElement(el, what, isScalar(node));
      if (got === undefined) ok = false;
      else for (const it of got) items.push(it);
    }
    return ok ? items : undefined;
  }

  private itemsOfElement(el: Node, what: string, whole: boolean): Item[] | undefined {
    const loc = this.src.node(el);
    const s = isScalar(el) && typeof el.value === 'string' ? scan(el.value) : undefined;
    const exact = s?.exact;
    if (exact) {
      const r = classify(exact.text);
      if (r.kind === 'node' && r.glob) {
        const g = this.groups.get(r.target);
        if (!g) {
          this.diags.error(`no node \`${r.target}\` for \`${exact.raw}\`${didYouMean(r.target, this.groups.keys())}`, loc);
          return undefined;
        }
        const ids = this.members.get(r.target) ?? [];
        if (this.emptyGroups.has(r.target)) return [];
        if (g.broken || ids.length === 0) {
          // Its own error explains why it has no nodes; ranging over it would only echo that.
          return undefined;
        }
        return ids.map((m) => ({ value: new NodeRef(m, false, exact.raw, loc, m, r.port), slug: m, loc }));
      }
      const before = this.sub.errors;
      const v = this.sub.value(el, this.scope0());
      if (this.sub.errors !== before) return undefined;
      if (v instanceof NodeRef) return [{ value: v, slug: v.slug, loc }];
      if (r.kind === 'param' && Array.isArray(v)) return v.map((x) => ({ value: x, slug: slugify(x), loc }));
      if (whole) {
        this.diags.error(`${what} must be a list, got ${JSON.stringify(v)} from \`${exact.raw}\``, loc);
        return undefined;
      }
      return [{ value: v, slug: slugify(v), loc }];
    }
    if (whole) {
      this.diags.error(`${what} must be a list or a reference to one (\`\${params.x}\`, \`\${x.*}\`)`, loc);
      return undefined;
    }
    const before = this.sub.errors;
    const v = this.sub.value(el, this.scope0());
    if (this.sub.errors !== before) return undefined;
    const ref = containsNodeRef(v);
    if (ref) {
      this.diags.error(`node reference \`${ref.raw}\` inside a ${what.split(' ')[0]} item: a node reference must be the whole item`, ref.loc);
      return undefined;
    }
    return [{ value: v, slug: slugify(v), loc }];
  }

  /** The matrix's combinations; 'empty' when an `optional` matrix has none (an empty axis, or all excluded). */
  private combinations(g: Group, matrix: Pair<Node, Node>, optional: boolean): Array<Map<string, Item>> | 'empty' {
    const axes: Array<[string, Item[]]> = [];
    let ok = true;
    const pairs = mapPairs(this.doc, matrix.value);
    for (const [axis, pair] of pairs) {
      if (axis === 'exclude') continue;
      const items = this.itemsOf(pair.value, `matrix axis \`${axis}\` of \`${g.id}\``);
      if (items === undefined) {
        ok = false;
        continue;
      }
      if (items.length === 0 && optional) return 'empty';
      if (items.length === 0) {
        this.diags.error(`node \`${g.id}\`: matrix axis \`${axis}\` is empty, so the matrix produces no node`, this.src.node(deref(this.doc, pair.value) ?? pair.key));
        ok = false;
        continue;
      }
      axes.push([axis, items]);
    }
    if (!ok) return [];
    if (axes.length === 0) {
      this.diags.error(`node \`${g.id}\`: matrix has no axes`, this.src.node(matrix.key));
      return [];
    }
    const axisNames = axes.map(([a]) => a);
    const excludes: Array<Array<[string, unknown]>> = [];
    for (const entry of seqItems(this.doc, pairs.get('exclude')?.value)) {
      const rule: Array<[string, unknown]> = [];
      for (const [axis, pair] of mapPairs(this.doc, entry)) {
        if (!axisNames.includes(axis)) {
          this.diags.error(`node \`${g.id}\`: exclude names no matrix axis \`${axis}\`${didYouMean(axis, axisNames)}`, this.src.node(pair.key));
          ok = false;
          continue;
        }
        rule.push([axis, this.sub.value(pair.value, this.scope0())]);
      }
      excludes.push(rule);
    }
    if (!ok) return [];
    let combos: Array<Map<string, Item>> = [new Map()];
    for (const [axis, items] of axes) {
      const next: Array<Map<string, Item>> = [];
      for (const c of combos) for (const it of items) next.push(new Map(c).set(axis, it));
      combos = next;
    }
    const kept = combos.filter((c) => !excludes.some((rule) => rule.length > 0 && rule.every(([axis, v]) => same(c.get(axis)!, v))));
    if (kept.length === 0 && optional) return 'empty';
    if (kept.length === 0) {
      this.diags.error(`node \`${g.id}\`: matrix produces no node: every combination is excluded`, this.src.node(pairs.get('exclude')?.key ?? matrix.key));
    }
    return kept;
  }
}

function same(item: Item, v: unknown): boolean {
  if (item.value instanceof NodeRef) {
    const r = item.value;
    if (v instanceof NodeRef) return v.target === r.slug || v.target === r.target;
    return typeof v === 'string' && (v === r.slug || v === r.target);
  }
  return JSON.stringify(item.value) === JSON.stringify(v);
}

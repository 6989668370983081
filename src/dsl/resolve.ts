/**
 * Stage 4: each instance -> a typed node. Substitutes params/item/matrix into `uses`, `with`,
 * `needs` and `resources`; looks the type up in schemas/; splits `with` into params (plain
 * values, checked with the type's compiled schema, defaults filled) and inputs (node
 * references); then, once every instance's type is known, resolves references to node ids and
 * ports and checks port types.
 */
import { isMap, isSeq, type Document, type Node } from 'yaml';
import { describeValue, translateAjvErrors } from './ajv-errors.js';
import { dict, hasOwn, own } from './dict.js';
import { didYouMean } from './did-you-mean.js';
import { resourceValue, retriesValue, retryGrowthValue } from './node-requests.js';
import type { Diagnostics } from './diagnostics.js';
import type { Instance } from './expand.js';
import { classify, containsNodeRef, NodeRef } from './references.js';
import type { NodeTypeInfo, PortInfo, SchemaStore } from './schema-store.js';
import type { SourceFile } from './source.js';
import type { Substituter } from './substitute.js';
import type { InputRef, Location, NodeSites } from './types.js';
import { deref, locate, mapPairs, seqItems } from './yaml-nav.js';

export interface Prepared {
  inst: Instance;
  type?: NodeTypeInfo;
  params: Record<string, unknown>;
  /** Port name -> the references given, and whether a list (or glob) was written. */
  inputs: Map<string, { refs: NodeRef[]; list: boolean; loc: Location }>;
  needs: NodeRef[];
  resources: Record<string, number>;
  cache: boolean;
  retries?: number;
  retry?: { mem?: number; time?: number };
  sites: NodeSites;
  /** Each `${in.NAME}` written in the params that allow it, checked once inputs are resolved. */
  inputPathUses: Array<{ name: string; raw: string; loc: Location }>;
  /** Something failed; the node is reported and never reaches the graph. */
  broken: boolean;
}

export interface Edge {
  from: string;
  to: string;
  loc: Location;
  /** `reads` (an input) or `needs` (ordering only), for the cycle trail. */
  kind: 'reads' | 'needs';
}

/** A message about a node, given how to name the node(s): `node \`m.1\` (model/train)`. */
type NodeMessage = (who: string) => string;

interface Pending {
  make: NodeMessage;
  loc: Location;
  ids: string[];
  group: string;
  type?: string;
}

/** The first NaN or infinity inside a value (YAML's `.nan`, `.inf`), with its path. */
function nonFinite(v: unknown, path = ''): { path: string; value: number } | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : { path, value: v };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = nonFinite(v[i], `${path}.${i}`);
      if (r) return r;
    }
  } else if (v !== null && typeof v === 'object' && !(v instanceof NodeRef)) {
    for (const [k, x] of Object.entries(v)) {
      const r = nonFinite(x, `${path}.${k}`);
      if (r) return r;
    }
  }
  return undefined;
}

export class Resolver {
  readonly prepared = new Map<string, Prepared>();
  /**
   * Node errors wait here so that one problem in a template, repeated by each of its
   * expansions, prints once naming the group (`node \`m\` (model/train; all 3 expansions)`).
   */
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly doc: Document,
    private readonly src: SourceFile,
    private readonly diags: Diagnostics,
    private readonly sub: Substituter,
    private readonly store: SchemaStore,
    /** Group id -> its instance ids. */
    private readonly members: Map<string, string[]>,
    /** Groups that failed structurally: references into them are not reported again. */
    private readonly brokenGroups: Set<string>,
    /** `optional: true` groups that produced no node: `${x.*}` of one is an empty list. */
    private readonly emptyGroups: ReadonlySet<string> = new Set(),
  ) {}

  /** Report a problem with node `p` (marks it broken). */
  private nodeError(p: Prepared, make: NodeMessage, loc: Location): void {
    p.broken = true;
    const type = p.type?.type;
    const key = `${loc.range?.offset ?? -1}\0${loc.range?.length ?? -1}\0${type ?? ''}\0${make('\x01')}`;
    const entry = this.pending.get(key);
    if (entry) {
      if (!entry.ids.includes(p.inst.id)) entry.ids.push(p.inst.id);
      return;
    }
    this.pending.set(key, { make, loc, ids: [p.inst.id], group: p.inst.group.id, type });
  }

  /** Emit the node errors collected so far. */
  flush(): void {
    for (const e of this.pending.values()) {
      const size = this.members.get(e.group)?.length ?? 1;
      const t = e.type !== undefined ? ` (${e.type})` : '';
      let who: string;
      if (e.ids.length === 1) who = `node \`${e.ids[0]}\`${t}`;
      else if (e.ids.length === size) who = `node \`${e.group}\` (${e.type !== undefined ? `${e.type}; ` : ''}all ${size} expansions)`;
      else who = `nodes ${e.ids.map((i) => `\`${i}\``).join(', ')}${t}`;
      this.diags.error(e.make(who), e.loc);
    }
    this.pending.clear();
  }

  prepare(inst: Instance): Prepared {
    const before = this.sub.errors;
    const f = inst.group.fields;
    const p: Prepared = { inst, params: dict(), inputs: new Map(), needs: [], resources: dict(), cache: true, sites: { with: inst.loc, params: dict(), inputs: dict() }, inputPathUses: [], broken: false };
    this.prepared.set(inst.id, p);
    const fail = (make: NodeMessage, loc: Location): void => this.nodeError(p, make, loc);

    const usesNode = deref(this.doc, f.get('uses')?.value);
    const uses = this.sub.value(usesNode, inst.scope);
    if (uses instanceof NodeRef) {
      fail((who) => `${who}: \`uses\` must name a node type, not the node reference \`${uses.raw}\``, this.src.node(usesNode));
    } else if (typeof uses === 'string') {
      p.type = this.store.types.get(uses);
      if (!p.type) fail((who) => `${who}: unknown node type \`${uses}\`${didYouMean(uses, this.store.types.keys())}`, this.src.node(usesNode));
    }
    const type = p.type;
    if (type) {
      this.splitWith(p, type, fail);
      p.resources = Object.assign(dict<number>(), type.resources);
      p.cache = type.cacheable !== false;
    }

    const cacheNode = deref(this.doc, f.get('cache')?.value);
    if (cacheNode && cacheNode.toJS(this.doc) === false) p.cache = false;
    this.readNeeds(p);
    this.readResources(p, fail);
    this.readRetries(p, fail);
    if (this.sub.errors !== before) p.broken = true;
    return p;
  }

  private splitWith(p: Prepared, type: NodeTypeInfo, fail: (m: NodeMessage, l: Location) => void): void {
    const inst = p.inst;
    const withPair = inst.group.fields.get('with');
    const withNode = deref(this.doc, withPair?.value);
    const paramProps = type.params.properties ?? {};
    const params = dict<unknown>();
    /** Params whose value failed substitution (reported): not also "missing" or mistyped. */
    const failed = new Set<string>();
    const withPairs = mapPairs(this.doc, withNode);
    if (withPair) p.sites.with = this.src.node(withPair.key);
    for (const [key, pair] of withPairs) {
      const valueNode = deref(this.doc, pair.value);
      if (hasOwn(type.inputs, key)) p.sites.inputs[key] = this.src.node(valueNode ?? pair.key);
      else if (hasOwn(paramProps, key)) this.recordSites(p.sites.params, key, valueNode ?? pair.key);
      if (hasOwn(type.inputs, key)) {
        const before = this.sub.errors;
        const v = this.sub.value(pair.value, inst.scope);
        // A failed substitution was reported; the value would only echo it.
        if (this.sub.errors === before) this.readInput(p, key, type.inputs[key]!, v, this.src.node(valueNode ?? pair.key), fail);
      } else if (hasOwn(paramProps, key)) {
        const before = this.sub.errors;
        const paths = type['x-input-paths']?.params.includes(key);
        const v = this.sub.value(pair.value, paths ? { ...inst.scope, inputPaths: p.inputPathUses } : inst.scope);
        if (this.sub.errors !== before) failed.add(key);
        const ref = containsNodeRef(v);
        const odd = nonFinite(v);
        if (odd) {
          failed.add(key);
          fail((who) => `${who}: \`with.${key}${odd.path}\` is ${describeValue(odd.value)}: a parameter must be a finite number (it goes into JSON keys and artifacts)`, this.src.node(valueNode ?? pair.key));
        } else if (ref) {
          const ports = Object.keys(type.inputs);
          const hint = ports.length > 0 ? ` (its inputs are ${ports.map((x) => `\`${x}\``).join(', ')})` : ' (it has no inputs)';
          fail((who) => `${who}: parameter \`${key}\` takes a value, not the node reference \`${ref.raw}\`${hint}`, ref.loc);
        } else if (v !== undefined) {
          params[key] = v;
        }
      } else {
        const known = [...Object.keys(paramProps), ...Object.keys(type.inputs)];
        fail((who) => `${who}: unknown key \`${key}\` in \`with\`${didYouMean(key, known)}`, this.src.node(pair.key));
      }
    }
    for (const [name, port] of Object.entries(type.inputs)) {
      if (!port.optional && !withPairs.has(name)) {
        fail((who) => `${who}: missing input \`${name}\` (a reference to a \`${port.type}\` output, e.g. \`\${ID}\`)`, this.src.node(withPair?.key ?? inst.group.key));
      }
    }
    const validate = this.store.paramValidator(type.type)!;
    if (!validate(params)) {
      const name = (path: Array<string | number>): string => ['with', ...path].join('.');
      for (const prob of translateAjvErrors(validate.errors ?? [], params, name)) {
        let message = prob.message;
        let loc: Location;
        if (failed.has(String(prob.path[0] ?? ''))) continue;
        if (prob.keyword === 'required') {
          const missing = /`([^`]+)`/.exec(prob.message)?.[1] ?? '?';
          if (failed.has(missing)) continue;
          message = `missing required parameter \`${missing}\``;
          loc = this.src.node(withPair?.key ?? inst.group.key);
        } else {
          loc = this.src.node(locate(this.doc, withNode, prob.path, prob.at).node ?? withPair?.key ?? inst.group.key);
        }
        fail((who) => `${who}: ${message}`, loc);
      }
    }
    p.params = params;
  }

  /** The location of a param value and of everything below it, by dotted path. */
  private recordSites(into: Record<string, Location>, path: string, n: Node | null | undefined, depth = 0): void {
    into[path] = this.src.node(n);
    if (depth > 8) return;
    if (isMap(n)) for (const [k, pair] of mapPairs(this.doc, n)) this.recordSites(into, `${path}.${k}`, deref(this.doc, pair.value) ?? pair.key, depth + 1);
    else if (isSeq(n)) seqItems(this.doc, n).forEach((item, i) => this.recordSites(into, `${path}.${i}`, deref(this.doc, item), depth + 1));
  }

  private readInput(p: Prepared, key: string, port: PortInfo, v: unknown, loc: Location, fail: (m: NodeMessage, l: Location) => void): void {
    if (v === undefined) return; // substitution reported it
    const list = Array.isArray(v);
    const flat = list ? (v as unknown[]).flat(Infinity) : [v];
    const refs: NodeRef[] = [];
    for (const x of flat) {
      if (x instanceof NodeRef) refs.push(x);
      else {
        fail((who) => `${who}: input \`${key}\` takes a reference to another node's output (\`\${ID}\` or \`\${ID.PORT}\`), got ${describeValue(x)}`, loc);
        return;
      }
    }
    const isList = list || refs.some((r) => r.glob);
    if (!port.many && (isList || refs.length !== 1)) {
      fail((who) => `${who}: input \`${key}\` takes one reference, got a list${refs.some((r) => r.glob) ? ' (a glob `${ID.*}` is a list)' : ''}`, loc);
      return;
    }
    if (refs.length === 0) {
      fail((who) => `${who}: input \`${key}\` got an empty list`, loc);
      return;
    }
    p.inputs.set(key, { refs, list: isList, loc });
  }

  private readNeeds(p: Prepared): void {
    const inst = p.inst;
    const needsNode = deref(this.doc, inst.group.fields.get('needs')?.value);
    if (!needsNode) return;
    const elements: Node[] = seqItems(this.doc, needsNode);
    for (const el of elements.length > 0 ? elements : [needsNode]) {
      const v = this.sub.value(el, inst.scope);
      if (v instanceof NodeRef) {
        p.needs.push(v);
        continue;
      }
      if (typeof v !== 'string') continue;
      const loc = this.src.node(el);
      const r = classify(v.trim());
      if (r.kind === 'node') p.needs.push(new NodeRef(r.target, r.glob, v.trim(), loc));
      else this.nodeError(p, (who) => `${who}: \`needs\` entries are node ids or \`ID.*\`, got \`${v}\``, loc);
    }
  }

  private readResources(p: Prepared, fail: (m: NodeMessage, l: Location) => void): void {
    const resNode = deref(this.doc, p.inst.group.fields.get('resources')?.value);
    for (const [name, pair] of mapPairs(this.doc, resNode)) {
      const v = this.sub.value(pair.value, p.inst.scope);
      if (v === undefined) continue;
      const r = resourceValue(name, v);
      if ('error' in r) fail((who) => `${who}: ${r.error}`, this.src.node(deref(this.doc, pair.value) ?? pair.key));
      else p.resources[name] = r.value;
    }
  }

  private readRetries(p: Prepared, fail: (m: NodeMessage, l: Location) => void): void {
    const f = p.inst.group.fields;
    const retriesPair = f.get('retries');
    if (retriesPair) {
      const v = this.sub.value(retriesPair.value, p.inst.scope);
      const r = v === undefined ? undefined : retriesValue(v);
      if (r && 'error' in r) fail((who) => `${who}: ${r.error}`, this.src.node(deref(this.doc, retriesPair.value) ?? retriesPair.key));
      else if (r) p.retries = r.value;
    }
    for (const [name, pair] of mapPairs(this.doc, deref(this.doc, f.get('retry')?.value))) {
      const v = this.sub.value(pair.value, p.inst.scope);
      if (v === undefined) continue;
      const r = retryGrowthValue(name, v);
      if ('error' in r) fail((who) => `${who}: ${r.error}`, this.src.node(name === 'mem' || name === 'time' ? (deref(this.doc, pair.value) ?? pair.key) : pair.key));
      else p.retry = { ...p.retry, [name]: r.value };
    }
  }

  /**
   * Every `${in.NAME}` must name an input of the ports that are materialized (shell: `data`):
   * NAME is the producing node's id, or `ID.PORT`.
   */
  private checkInputPaths(p: Prepared, type: NodeTypeInfo, inputs: Record<string, InputRef | InputRef[]>): void {
    if (p.inputPathUses.length === 0) return;
    const ports = type['x-input-paths']?.ports ?? [];
    const names = new Set<string>();
    const byNode = new Map<string, number>();
    for (const port of ports) {
      for (const r of [inputs[port] ?? []].flat()) {
        names.add(`${r.node}.${r.port}`);
        byNode.set(r.node, (byNode.get(r.node) ?? 0) + 1);
      }
    }
    for (const [node, n] of byNode) if (n === 1) names.add(node);
    const portList = ports.map((x) => `\`${x}\``).join(', ');
    for (const use of p.inputPathUses) {
      if (names.has(use.name)) continue;
      const elsewhere = Object.entries(inputs).find(([port, r]) => !ports.includes(port) && [r].flat().some((x) => x.node === use.name || `${x.node}.${x.port}` === use.name));
      let why: string;
      if (elsewhere) why = `\`${use.name}\` is under \`${elsewhere[0]}\` (ordering only); list it under ${portList} to read its files`;
      else if ((byNode.get(use.name) ?? 0) > 1) why = `\`${use.name}\` gives several inputs: write \`\${in.${use.name}.PORT}\``;
      else if (names.size === 0) why = `the node has no inputs under ${portList}; list the node there (\`data: ["\${${use.name}}"]\`)`;
      else why = `no input \`${use.name}\` under ${portList}${didYouMean(use.name, names)} (its inputs: ${[...names].sort().map((x) => `\`${x}\``).join(', ')})`;
      this.nodeError(p, (who) => `${who}: \`${use.raw}\`: ${why}`, use.loc);
    }
  }

  /** All ids and group ids, for "did you mean". */
  private candidates(): string[] {
    return [...new Set([...this.prepared.keys(), ...this.members.keys()])];
  }

  /**
   * Node ids a reference stands for (one, or a glob's members). Undefined after reporting a
   * problem, or silently when the target is broken (its own error says why).
   */
  private targets(ref: NodeRef): Array<{ node: string; port?: string }> | undefined {
    const port = ref.port !== undefined ? { port: ref.port } : {};
    if (ref.member !== undefined) return [{ node: ref.member, ...port }];
    if (ref.glob) {
      const ids = this.members.get(ref.target);
      if (ids === undefined) {
        this.diags.error(`no node \`${ref.target}\` for \`${ref.raw}\`${didYouMean(ref.target, this.members.keys())}`, ref.loc);
        return undefined;
      }
      if (ids.length === 0 && this.emptyGroups.has(ref.target)) return [];
      if (ids.length === 0) return undefined; // its expansion failed and was reported
      return ids.map((node) => ({ node, ...port }));
    }
    if (this.prepared.has(ref.target)) return [{ node: ref.target }];
    const dot = ref.target.lastIndexOf('.');
    if (dot > 0 && this.prepared.has(ref.target.slice(0, dot))) return [{ node: ref.target.slice(0, dot), port: ref.target.slice(dot + 1) }];
    const groupId = ref.target.split('.')[0]!;
    if (this.brokenGroups.has(groupId)) return undefined;
    if (this.emptyGroups.has(groupId)) {
      this.diags.error(`no node \`${ref.target}\`: \`${groupId}\` is optional and produced no node in this run (\`\${${groupId}.*}\` is then an empty list)`, ref.loc);
      return undefined;
    }
    const ids = this.members.get(ref.target);
    if (ids && ids.length === 0) return undefined;
    if (ids && (ids.length > 1 || ids[0] !== ref.target)) {
      const shown = ids.slice(0, 3).map((i) => `\`${i}\``).join(', ') + (ids.length > 3 ? ', ...' : '');
      this.diags.error(`\`${ref.target}\` was expanded into ${ids.length} node${ids.length === 1 ? '' : 's'} (${shown}): refer to one of them, or to all with \`\${${ref.target}.*}\``, ref.loc);
      return undefined;
    }
    if ((this.members.get(groupId) ?? [ref.target]).length === 0) return undefined;
    this.diags.error(`no node \`${ref.target}\`${didYouMean(ref.target, this.candidates())}`, ref.loc);
    return undefined;
  }

  private outputPort(target: Prepared, port: string | undefined, ref: NodeRef): { port: string; info: PortInfo } | undefined {
    const type = target.type;
    if (!type) return undefined;
    const names = Object.keys(type.outputs);
    if (port === undefined) {
      const first = names[0];
      if (first === undefined) {
        this.diags.error(`node \`${target.inst.id}\` (${type.type}) has no outputs to refer to (\`${ref.raw}\`)`, ref.loc);
        return undefined;
      }
      return { port: first, info: type.outputs[first]! };
    }
    const info = own(type.outputs, port);
    if (!info) {
      const list = names.length > 0 ? `; its outputs: ${names.map((n) => `\`${n}\``).join(', ')}` : '; it has no outputs';
      this.diags.error(`node \`${target.inst.id}\` (${type.type}) has no output \`${port}\`${list}${didYouMean(port, names)}`, ref.loc);
      return undefined;
    }
    return { port, info };
  }

  /** Resolve every prepared node's references; returns the input refs and the edges. */
  link(p: Prepared): { inputs: Record<string, InputRef | InputRef[]>; needs: string[]; edges: Edge[] } {
    const inputs = dict<InputRef | InputRef[]>();
    const edges: Edge[] = [];
    const type = p.type;
    for (const [name, given] of p.inputs) {
      const decl = type!.inputs[name]!;
      const resolved: InputRef[] = [];
      for (const ref of given.refs) {
        const ts = this.targets(ref);
        if (!ts) {
          p.broken = true;
          continue;
        }
        for (const t of ts) {
          const target = this.prepared.get(t.node);
          if (!target || (target.broken && !target.type)) {
            p.broken = true;
            continue;
          }
          const out = this.outputPort(target, t.port, ref);
          if (!out) {
            p.broken = true;
            continue;
          }
          if (out.info.type !== decl.type && out.info.type !== 'any' && decl.type !== 'any') {
            this.nodeError(
              p,
              (who) => `${who}: input \`${name}\` takes \`${decl.type}\`, but \`${ref.raw}\` is \`${out.info.type}\` (output \`${out.port}\` of \`${t.node}\`)`,
              ref.loc,
            );
            continue;
          }
          resolved.push({ node: t.node, port: out.port });
          edges.push({ from: t.node, to: p.inst.id, loc: ref.loc, kind: 'reads' });
        }
      }
      // Every reference went to an optional group that produced no node.
      if (resolved.length === 0 && !p.broken) {
        if (decl.optional) continue;
        const raws = given.refs.map((r) => `\`${r.raw}\``).join(', ');
        this.nodeError(p, (who) => `${who}: input \`${name}\` is empty: ${raws} produced no node (an optional group)`, given.loc);
        continue;
      }
      inputs[name] = decl.many ? resolved : resolved[0]!;
    }
    if (type) this.checkInputPaths(p, type, inputs);
    const needs: string[] = [];
    for (const ref of p.needs) {
      const ts = this.targets(ref);
      if (!ts) {
        p.broken = true;
        continue;
      }
      for (const t of ts) {
        if (!needs.includes(t.node)) needs.push(t.node);
        edges.push({ from: t.node, to: p.inst.id, loc: ref.loc, kind: 'needs' });
      }
    }
    return { inputs, needs, edges };
  }
}

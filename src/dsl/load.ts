/**
 * loadPipeline: pipeline text -> validated, expanded, resolved PipelineGraph, or every problem
 * found (house style: collect all, wireit `analyzer.ts`). Stages:
 *   1. YAML with positions (syntax errors stop here: the rest would only echo them)
 *   2. structure against schemas/pipeline.schema.json (ajv), params and --set
 *   3. foreach/matrix expansion into stable ids; duplicate ids
 *   4. per node: type, `with` params (type's schema, defaults filled) and inputs; references
 *      resolved to ids and ports, port types checked
 *   5. graph: cycles as trails, deterministic topological order
 * The graph is returned only when there is no error.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, type Document, type Node, type Pair } from 'yaml';
import { translateAjvErrors, type PathSeg } from './ajv-errors.js';
import { Diagnostics } from './diagnostics.js';
import { Expander, type Group } from './expand.js';
import { cycles, topoOrder } from './graph.js';
import { applySets, finalParams, readParams } from './params.js';
import { parseYaml } from './parse-yaml.js';
import { Resolver, type Edge } from './resolve.js';
import { loadSchemaStore, SchemaLoadError, type SchemaStore } from './schema-store.js';
import { SourceFile } from './source.js';
import { Substituter } from './substitute.js';
import { decodeUtf8, type BadUtf8 } from '../artifacts/utf8.js';
import type { Diagnostic, PipelineGraph, ResolvedNode } from './types.js';
import { deref, locate, mapPairs } from './yaml-nav.js';

/**
 * Pipeline names and node ids name folders and files (results/<name>/<id>/, the cache's
 * logs/<id>.<key>.log); a file name has at most 255 bytes on most file systems, and ids are
 * ASCII. 128 leaves room for those suffixes and for file systems with shorter limits, and is
 * checked here so that a run never fails with ENAMETOOLONG.
 */
export const MAX_NAME_LENGTH = 128;

export interface LoadOptions {
  /** Raw `key=value` strings from `--set`. */
  sets?: string[];
  /** Where pipeline.schema.json and nodes/ live (default: the package's schemas/). */
  schemasDir?: string;
  /** The file's text, when already in hand (tests, editors); `file` is then only its name. */
  text?: string;
}

export interface LoadResult {
  /** Present only when there is no error. */
  graph?: PipelineGraph;
  /** Sorted by file and position. */
  diagnostics: Diagnostic[];
  /** File -> text, for formatDiagnostics. */
  sources: Map<string, string>;
}

function pathName(path: PathSeg[]): string {
  return path.map(String).join('.');
}

/** `node \`a\`: \`cache\`` for node fields, else the dotted path in backticks. */
function pathSubject(path: PathSeg[]): string {
  if (path[0] === 'nodes' && path.length >= 2) {
    const node = `node \`${String(path[1])}\``;
    return path.length === 2 ? node : `${node}: \`${pathName(path.slice(2))}\``;
  }
  return `\`${pathName(path)}\``;
}

function pathWhere(path: PathSeg[]): string {
  if (path.length === 0) return 'at the top level';
  if (path.length === 2 && path[0] === 'nodes') return `in node \`${String(path[1])}\``;
  return `in \`${pathName(path)}\``;
}

/** Check the document's shape; returns the node ids whose own structure is broken. */
function checkStructure(doc: Document, data: unknown, src: SourceFile, store: SchemaStore, diags: Diagnostics): Set<string> {
  const broken = new Set<string>();
  if (store.structure(data)) return broken;
  for (const prob of translateAjvErrors(store.structure.errors ?? [], data, pathName, pathWhere, pathSubject)) {
    const found = locate(doc, doc.contents, prob.path, prob.at);
    const loc = found.node ? src.node(found.node) : src.whole();
    diags.error(prob.message, loc.range ? loc : src.range(0, 0));
    // Unknown keys do not stop a node from being understood; anything else does.
    if (prob.path[0] === 'nodes' && typeof prob.path[1] === 'string' && prob.keyword !== 'additionalProperties') broken.add(prob.path[1]);
  }
  return broken;
}

export function loadPipelineText(file: string, text: string, opts: LoadOptions = {}): LoadResult {
  const abs = resolve(file);
  const sources = new Map([[abs, text]]);
  const src = new SourceFile(abs, text);
  const diags = new Diagnostics();
  const done = (graph?: PipelineGraph): LoadResult => {
    const diagnostics = diags.sorted();
    return graph && !diags.hasErrors() ? { graph, diagnostics, sources } : { diagnostics, sources };
  };

  let store: SchemaStore;
  try {
    store = loadSchemaStore(opts.schemasDir);
  } catch (e) {
    if (!(e instanceof SchemaLoadError)) throw e;
    diags.error(e.message, src.whole());
    return done();
  }
  try {
    return done(check(src, store, diags, opts));
  } catch (e) {
    // Every bad input has its own located diagnostic; this is the net under them, so that
    // a bug of ours shows as one line against the file, never as a stack trace.
    diags.error(`internal error while checking this file (a bug in layerfuse; please report it with the file): ${(e as Error).message}`, src.whole());
    return done();
  }
}

function check(src: SourceFile, store: SchemaStore, diags: Diagnostics, opts: LoadOptions): PipelineGraph | undefined {
  const parsed = parseYaml(src, diags);
  if (!parsed.ok) return undefined;
  const doc = parsed.doc;
  if (!isMap(doc.contents)) {
    diags.error('a pipeline file is a map with `version`, `name`, `params` and `nodes`', doc.contents ? src.node(doc.contents) : src.range(0, 0));
    return undefined;
  }
  // aliasProblems (in parseYaml) bounded what aliases expand to, so yaml's own alias count
  // check, which trips on a large but honest use of `<<: *defaults`, is off.
  const data: unknown = doc.toJS({ maxAliasCount: -1 });
  const brokenGroups = checkStructure(doc, data, src, store, diags);

  const top = mapPairs(doc, doc.contents);
  const name = (data as { name?: unknown }).name;
  if (typeof name === 'string' && name.length > MAX_NAME_LENGTH) {
    diags.error(`pipeline name is ${name.length} characters long, above the limit of ${MAX_NAME_LENGTH} (it names the folder results/<name>/)`, src.node(deref(doc, top.get('name')?.value)));
  }
  const decls = readParams(doc, top.get('params')?.value, src, diags);
  applySets(decls, opts.sets ?? [], src, diags);
  const params = finalParams(decls, diags);

  const groups = new Map<string, Group>();
  let index = 0;
  const nodesNode = deref(doc, top.get('nodes')?.value);
  if (isMap(nodesNode)) {
    for (const [id, pair] of mapPairs(doc, nodesNode)) {
      const value = deref(doc, pair.value);
      const broken = brokenGroups.has(id) || !isMap(value);
      groups.set(id, { id, index: index++, key: pair.key, fields: mapPairs(doc, value) as Map<string, Pair<Node, Node>>, broken });
      if (broken) brokenGroups.add(id);
    }
  }

  const unset = new Set([...decls.keys()].filter((k) => !Object.hasOwn(params, k)));
  const sub = new Substituter(doc, src, diags, unset);
  const { instances, members, emptyGroups } = new Expander(doc, src, diags, sub, groups, params).run();

  // Duplicate ids: the first in file order wins, each later one is reported against it.
  const first = new Map<string, (typeof instances)[number]>();
  const unique: typeof instances = [];
  for (const inst of instances) {
    if (inst.id.length > MAX_NAME_LENGTH) {
      const from = inst.id === inst.group.id ? '' : `; it is \`${inst.group.id}\` plus a foreach item or matrix values: range over shorter values`;
      diags.error(`node id \`${inst.id.slice(0, 40)}…\` is ${inst.id.length} characters long, above the limit of ${MAX_NAME_LENGTH} (ids name files: results/<pipeline>/<id>/ and cache logs)${from}`, inst.origin);
      continue;
    }
    const prev = first.get(inst.id);
    if (prev) {
      diags.error(`duplicate node id \`${inst.id}\``, inst.origin, [{ message: `\`${inst.id}\` first comes from here`, location: prev.origin }]);
      continue;
    }
    first.set(inst.id, inst);
    unique.push(inst);
  }

  const resolver = new Resolver(doc, src, diags, sub, store, members, brokenGroups, emptyGroups);
  for (const inst of unique) resolver.prepare(inst);
  const edges: Edge[] = [];
  const resolved = new Map<string, ResolvedNode>();
  for (const p of resolver.prepared.values()) {
    if (!p.type) continue;
    const linked = resolver.link(p);
    for (const e of linked.edges) edges.push(e);
    if (p.broken) continue;
    resolved.set(p.inst.id, {
      id: p.inst.id,
      type: p.type.type,
      group: p.inst.group.id,
      params: p.params,
      inputs: linked.inputs,
      needs: linked.needs,
      resources: p.resources,
      cache: p.cache,
      ...(p.retries !== undefined ? { retries: p.retries } : {}),
      ...(p.retry !== undefined ? { retry: p.retry } : {}),
      location: p.inst.loc,
      sites: p.sites,
    });
  }

  resolver.flush();

  // Graph: data-flow edges; one diagnostic per cycle, one related location per edge.
  const succ = new Map<string, string[]>();
  const edgeAt = new Map<string, Edge>();
  for (const e of edges) {
    const list = succ.get(e.from) ?? [];
    list.push(e.to);
    succ.set(e.from, list);
    const k = `${e.from}\0${e.to}`;
    if (!edgeAt.has(k)) edgeAt.set(k, e);
  }
  const ids = [...resolver.prepared.keys()];
  const next = (n: string): string[] => succ.get(n) ?? [];
  for (const trail of cycles(ids, next)) {
    const related = [];
    for (let i = 0; i + 1 < trail.length; i++) {
      const e = edgeAt.get(`${trail[i]}\0${trail[i + 1]}`)!;
      related.push({ message: `\`${e.to}\` ${e.kind} \`${e.from}\``, location: e.loc });
    }
    diags.error(`cycle: ${trail.join(' -> ')}`, resolver.prepared.get(trail[0]!)!.inst.loc, related);
  }
  if (diags.hasErrors()) return undefined;

  const nodes = new Map<string, ResolvedNode>();
  for (const id of topoOrder(resolved.keys(), next)) nodes.set(id, resolved.get(id)!);
  const executor = (data as { executor?: 'local' | 'slurm' }).executor;
  return { name: name as string, file: src.file, dir: dirname(src.file), params, nodes, ...(executor !== undefined ? { executor } : {}) };
}

/** Read, validate, expand and resolve a pipeline file. Never throws for a bad pipeline. */
export async function loadPipeline(file: string, opts: LoadOptions = {}): Promise<LoadResult> {
  let text = opts.text;
  if (text === undefined) {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (e) {
      const abs = resolve(file);
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
      const d: Diagnostic = { severity: 'error', message: `cannot read the pipeline: ${why}${code ? ` (${code})` : ''}`, location: { file: abs } };
      return { diagnostics: [d], sources: new Map() };
    }
    const decoded = decodeUtf8(bytes);
    if (!decoded.ok) return notUtf8(file, bytes, decoded.bad);
    text = decoded.text;
  }
  return loadPipelineText(file, text, opts);
}

/** The first bad byte, pointed at in the text as a lenient decoder shows it (U+FFFD there). */
function notUtf8(file: string, bytes: Buffer, bad: BadUtf8): LoadResult {
  const abs = resolve(file);
  const shown = new TextDecoder().decode(bytes);
  const at = new TextDecoder().decode(bytes.subarray(0, bad.offset)).length;
  const hex = bad.byte.toString(16).padStart(2, '0');
  const d: Diagnostic = {
    severity: 'error',
    message: `not valid UTF-8 (byte 0x${hex} at offset ${bad.offset}); a pipeline file must be UTF-8: save it as UTF-8`,
    location: new SourceFile(abs, shown).range(at, at + 1),
  };
  return { diagnostics: [d], sources: new Map([[abs, shown]]) };
}

/**
 * How a node family becomes node types. A family is its declarations (`src/nodes/<family>.ts`:
 * ids, versions, params, ports, resources; loaded eagerly, cheap) and its run bodies
 * (`src/nodes/run/<family>.ts`: imports src/ml normally; loaded once, on the first run of one of
 * the family's types). Planning, validation and a warm rerun load declarations only, so they
 * never load a tensor backend.
 *
 * Around every body, in one place: params get their schema defaults (a default is written once,
 * in the declaration), inputs come as a `NodeInputs` checked against the declared ports, and an
 * InputError from src/ml becomes a NodeError naming the node.
 */
import { InputError, NodeError } from '../artifacts/errors.js';
import { NodeInputs } from '../artifacts/inputs.js';
import type { NodeContext } from '../artifacts/node-context.js';
import type { NodeDecl, NodeType, Params } from '../artifacts/node-type.js';
import type { OutputManifests } from '../artifacts/types.js';

/** A run body: params with defaults filled, inputs checked against the declared ports. */
export type RunBody<P> = (ctx: NodeContext, params: P, inputs: NodeInputs) => Promise<OutputManifests>;

/** One body of a run module, tied to its declaration. */
export interface Implementation {
  readonly type: string;
  readonly run: RunBody<never>;
}

/** What a run module exports as default: a body for every type of its family. */
export type RunModule = { default: readonly Implementation[] };

/** A body for `decl` (its params typed by the declaration). */
export function implement<P>(decl: NodeDecl<P>, run: RunBody<P>): Implementation {
  return { type: decl.type, run: run as RunBody<never> };
}

/** Params with every top-level schema default filled in where the value is absent. */
export function withDefaults(decl: Pick<NodeDecl, 'params'>, params: Params): Params {
  const out: Params = { ...params };
  for (const [k, schema] of Object.entries(decl.params)) {
    if (out[k] === undefined && 'default' in schema) out[k] = structuredClone(schema.default);
  }
  return out;
}

/** The family's node types: declarations as given, each `run` loading the bodies once. */
export function family(decls: ReadonlyArray<NodeDecl<never>>, load: () => Promise<RunModule>): NodeType<never>[] {
  let loading: Promise<ReadonlyMap<string, RunBody<never>>> | undefined;
  const bodies = (): Promise<ReadonlyMap<string, RunBody<never>>> =>
    (loading ??= load().then(
      (m) => indexBodies(decls, m.default),
      (e: unknown) => {
        loading = undefined;
        throw e;
      },
    ));
  return decls.map((decl): NodeType<never> => {
    const typed = decl as unknown as NodeDecl<Params>;
    const node: NodeType<Params> = {
      ...typed,
      async run(ctx, params, inputs) {
        const body = (await bodies()).get(decl.type) as RunBody<Params>;
        try {
          return await body(ctx, withDefaults(decl, params), new NodeInputs(ctx.nodeId, decl.inputs, inputs));
        } catch (e) {
          throw e instanceof InputError ? new NodeError(`${ctx.nodeId}: ${e.message}`) : e;
        }
      },
    };
    if (typed.inputFiles) node.inputFiles = (p) => typed.inputFiles!(withDefaults(decl, p));
    if (typed.keyFacts) node.keyFacts = (p) => typed.keyFacts!(withDefaults(decl, p));
    if (typed.restore) node.restore = (ctx, p, outputs) => typed.restore!(ctx, withDefaults(decl, p), outputs);
    if (typed.check) node.check = (ctx) => typed.check!({ ...ctx, params: withDefaults(decl, ctx.params), error: ctx.error });
    if (typed.facts) node.facts = (p, inputs) => typed.facts!(withDefaults(decl, p), inputs);
    return node as unknown as NodeType<never>;
  });
}

function indexBodies(decls: ReadonlyArray<NodeDecl<never>>, impls: readonly Implementation[]): ReadonlyMap<string, RunBody<never>> {
  const map = new Map(impls.map((i) => [i.type, i.run]));
  const missing = decls.filter((d) => !map.has(d.type)).map((d) => d.type);
  const extra = [...map.keys()].filter((t) => !decls.some((d) => d.type === t));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`node family run module: ${missing.length ? `no body for ${missing.join(', ')}` : ''}${extra.length ? `${missing.length ? '; ' : ''}bodies for undeclared ${extra.join(', ')}` : ''}`);
  }
  return map;
}

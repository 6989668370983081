/**
 * Reads schemas/ as data (src/dsl never imports the node registry): the pipeline schema and one
 * descriptor per node type. ajv compiles each schema once; per-type `with` validators are
 * compiled on first use and kept, so a 2,000-node pipeline pays for each type once.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { packageRoot } from '../package-root.js';

/** A port as declared by a node type (mirror of src/nodes PortDecl, read from JSON). */
export interface PortInfo {
  type: string;
  description: string;
  many?: boolean;
  optional?: boolean;
  publish?: boolean;
}

/** schemas/nodes/<type>.json */
export interface NodeTypeInfo {
  type: string;
  version: number;
  description: string;
  params: { properties?: Record<string, Record<string, unknown>>; required?: string[] } & Record<string, unknown>;
  inputs: Record<string, PortInfo>;
  outputs: Record<string, PortInfo>;
  resources: Record<string, number>;
  worker: boolean;
  cacheable: boolean;
  /** Where `${in.NAME}` may appear (string params) and which input ports name its inputs. */
  'x-input-paths'?: { params: string[]; ports: string[] };
}

export class SchemaStore {
  readonly types: ReadonlyMap<string, NodeTypeInfo>;
  /** Validates a pipeline document's structure (`definitions.nodeBase` for nodes). */
  readonly structure: ValidateFunction;
  private readonly ajv: Ajv;
  private readonly paramValidators = new Map<string, ValidateFunction>();

  constructor(readonly dir: string, pipelineSchema: Record<string, unknown>, types: Map<string, NodeTypeInfo>) {
    this.types = types;
    // allErrors: report every problem at once; useDefaults: fill type defaults into params;
    // verbose: errors carry their schema (for "did you mean" over `properties`);
    // strict off: node schemas may carry annotations ajv does not know (errorMessage, x-*).
    this.ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: false });
    const defs = (pipelineSchema.definitions ?? {}) as Record<string, unknown>;
    // The editor's node schema adds per-type `with` checks that only make sense after
    // expansion; structure validation uses the plain node shape.
    const { $id: _id, ...rest } = pipelineSchema;
    const structural = { ...rest, definitions: { ...defs, node: { $ref: '#/definitions/nodeBase' } } };
    this.structure = this.ajv.compile(structural);
  }

  paramValidator(type: string): ValidateFunction | undefined {
    let v = this.paramValidators.get(type);
    if (v) return v;
    const info = this.types.get(type);
    if (!info) return undefined;
    v = this.ajv.compile(info.params);
    this.paramValidators.set(type, v);
    return v;
  }
}

function walkJson(dir: string): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walkJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

export class SchemaLoadError extends Error {}

const stores = new Map<string, SchemaStore>();

export function defaultSchemasDir(): string {
  return join(packageRoot, 'schemas');
}

/** Load (once per directory per process) the schemas in `dir`. Throws SchemaLoadError. */
export function loadSchemaStore(dir: string = defaultSchemasDir()): SchemaStore {
  const cached = stores.get(dir);
  if (cached) return cached;
  const pipelinePath = join(dir, 'pipeline.schema.json');
  let pipeline: Record<string, unknown>;
  try {
    pipeline = JSON.parse(readFileSync(pipelinePath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new SchemaLoadError(`cannot read ${pipelinePath} (run \`npm run schemas\`): ${(e as Error).message}`);
  }
  const types = new Map<string, NodeTypeInfo>();
  for (const file of walkJson(join(dir, 'nodes'))) {
    let info: NodeTypeInfo;
    try {
      info = JSON.parse(readFileSync(file, 'utf8')) as NodeTypeInfo;
    } catch (e) {
      throw new SchemaLoadError(`cannot read node schema ${file}: ${(e as Error).message}`);
    }
    types.set(info.type, info);
  }
  const store = new SchemaStore(dir, pipeline, types);
  stores.set(dir, store);
  return store;
}

/** Forget loaded schemas (after `layerfuse schema --write` in the same process, or in tests). */
export function clearSchemaCache(): void {
  stores.clear();
}

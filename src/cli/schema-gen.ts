/**
 * Builds schemas/ from node type declarations: the pipeline file's JSON Schema (for validation
 * and editor completion) and one descriptor per node type (`schemas/nodes/<type>.json`), which
 * src/dsl and `layerfuse nodes` read as data. Pure: takes the types, returns file contents, so
 * tests can build schemas for fake types and the staleness test can compare against disk.
 *
 * Contract with src/dsl (both sides live with the DSL build): the pipeline schema's
 * `definitions.nodeBase` is the structural node schema the DSL validates against; the editor's
 * `definitions.node` adds the `uses` enum and per-type `with` (if/then), which the DSL replaces
 * by its own per-type checks after expansion (templated values are not type-valid before it).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { JsonSchema, NodeDecl, PortDecl } from '../artifacts/index.js';
import { SLURM_PROFILE_SCHEMA } from '../dsl/slurm-profile-schema.js';

const DRAFT = 'http://json-schema.org/draft-07/schema#';

/**
 * A string holding a `${...}` reference; editors accept it wherever a value goes (its type is
 * only known after substitution, which `layerfuse validate` checks).
 */
const REF_PATTERN = '\\$\\{[^}]+\\}';
/** Written node ids: dots are reserved for expanded ids (`score.weight-entropy`). */
const NODE_ID_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]*$';
const PARAM_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]*$';
const RESERVED_IDS = ['params', 'item', 'matrix', 'in'];

type AnyNodeType = NodeDecl<never>;

/** The per-type descriptor written to schemas/nodes/<type>.json. */
export interface NodeDescriptor {
  type: string;
  version: number;
  description: string;
  /** JSON Schema of the `with` keys that are plain values, with defaults. */
  params: JsonSchema;
  inputs: Record<string, PortDecl>;
  /** The first output is the default port that `${id}` refers to. */
  outputs: Record<string, PortDecl>;
  resources: Record<string, number>;
  worker: boolean;
  cacheable: boolean;
  /** Where `${in.NAME}` (an input's materialized path) may appear; absent: nowhere. */
  'x-input-paths'?: { params: string[]; ports: string[] };
}

export function describeNodeType(t: AnyNodeType): NodeDescriptor {
  const params: JsonSchema = {
    type: 'object',
    properties: t.params,
    additionalProperties: false,
  };
  if (t.required && t.required.length > 0) params.required = [...t.required];
  return {
    type: t.type,
    version: t.version,
    description: t.description,
    params,
    inputs: t.inputs,
    outputs: t.outputs,
    resources: t.resources ?? {},
    worker: t.worker ?? false,
    cacheable: t.cacheable ?? true,
    ...(t.inputPaths ? { 'x-input-paths': { params: [...t.inputPaths.params], ports: [...t.inputPaths.ports] } } : {}),
  };
}

/** Editor schema of one `with` for a type: params accept a value or a reference; ports a reference. */
function withSchema(d: NodeDescriptor): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const paramProps = (d.params.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, schema] of Object.entries(paramProps)) {
    const entry: JsonSchema = { anyOf: [schema, { $ref: '#/definitions/reference' }] };
    if (schema.description !== undefined) entry.description = schema.description;
    if (schema.default !== undefined) entry.default = schema.default;
    properties[name] = entry;
  }
  for (const [name, port] of Object.entries(d.inputs)) {
    const description = `input (${port.type}${port.many ? ', many' : ''}): ${port.description}`;
    properties[name] = port.many
      ? { description, anyOf: [{ $ref: '#/definitions/reference' }, { type: 'array', items: { $ref: '#/definitions/reference' } }] }
      : { description, $ref: '#/definitions/reference' };
  }
  const required = [
    ...((d.params.required as string[] | undefined) ?? []),
    ...Object.entries(d.inputs).filter(([, p]) => !p.optional).map(([n]) => n),
  ];
  const s: JsonSchema = { type: 'object', properties, additionalProperties: false };
  if (required.length > 0) s.required = required;
  return s;
}

const nodeBase: JsonSchema = {
  type: 'object',
  description: 'One node: an instance of a node type, or a group of them with foreach/matrix.',
  required: ['uses'],
  additionalProperties: false,
  properties: {
    uses: { type: 'string', minLength: 1, description: 'Node type id, e.g. `shell`; may contain `${item}` or `${matrix.axis}`.' },
    with: { type: ['object', 'null'], description: "The type's parameters (plain values) and inputs (references such as `${data}`)." },
    needs: {
      type: ['array', 'string'],
      items: { type: 'string' },
      description: 'Ordering-only dependencies: node ids or `id.*` (all nodes expanded from id).',
    },
    foreach: {
      type: ['array', 'string'],
      description: 'Expand into one node per item: a list of values or references (`${score.*}` adds one item per node of that group), or `${params.x}` holding a list. The item is `${item}`.',
    },
    matrix: {
      type: 'object',
      minProperties: 1,
      description: 'Expand into one node per combination of the axes (each a list, or `${params.x}`); `exclude` drops combinations. Values are `${matrix.axis}`.',
      properties: {
        exclude: {
          type: 'array',
          items: { type: 'object' },
          description: 'Combinations to drop: each entry maps some axes to values; a combination matching all of them is dropped.',
        },
      },
      additionalProperties: { type: ['array', 'string'] },
    },
    resources: {
      type: ['object', 'null'],
      description:
        "What the node needs while it runs, overriding its type's defaults (never part of its key): pool slots such as `gpu: 1` (locally from CUDA_VISIBLE_DEVICES; on Slurm `--gres`), and for Slurm `cpus`, `mem`, `time`.",
      properties: {
        gpu: { type: ['integer', 'string'], minimum: 0, description: 'GPUs: a slot of the local gpu pool, or `--gres=gpu:N` on Slurm (which then sets CUDA_VISIBLE_DEVICES).' },
        cpus: { type: ['integer', 'string'], minimum: 1, description: 'Slurm `--cpus-per-task` (the local executor ignores it).' },
        mem: { type: ['string', 'number'], description: 'Slurm `--mem`, e.g. 16G or 512M (a bare number is MiB; the local executor ignores it).' },
        time: { type: ['string', 'number'], description: 'Slurm `--time`, e.g. 2h, 30m, 1h30m or 02:00:00 (a bare number is minutes; the local executor ignores it).' },
      },
      additionalProperties: { type: ['integer', 'string'], minimum: 0 },
    },
    optional: {
      type: 'boolean',
      description: 'true: the foreach or matrix may produce no node (an empty list from params); `${id.*}` of it is then an empty list. Default false: an expansion that produces no node is an error.',
    },
    retries: {
      type: ['integer', 'string'],
      minimum: 0,
      description: 'Run a failed node again up to this many times (on Slurm: resubmit, growing the request by `retry`). Default 0, or the Slurm profile\'s `retries`.',
    },
    retry: {
      type: 'object',
      additionalProperties: false,
      description: 'On Slurm, how each retry grows the request, e.g. {mem: x2, time: x2}. Default: the profile\'s `retry`, else unchanged.',
      properties: {
        mem: { type: ['string', 'number'], description: 'Memory factor per retry, e.g. x2.' },
        time: { type: ['string', 'number'], description: 'Time factor per retry, e.g. x2.' },
      },
    },
    cache: { type: 'boolean', description: 'false: always run (dependents are still keyed on its output digests). Default true.' },
    description: { type: 'string', description: 'Free text for people.' },
  },
};

export function buildPipelineSchema(descriptors: readonly NodeDescriptor[]): JsonSchema {
  const types = descriptors.map((d) => d.type);
  const usesSchema: JsonSchema = types.length > 0
    ? { anyOf: [{ enum: types }, { type: 'string', pattern: '\\$\\{' }] }
    : { type: 'string' };
  const conditionals = descriptors.map((d) => ({
    if: { properties: { uses: { const: d.type } }, required: ['uses'] },
    then: { properties: { with: withSchema(d) } },
  }));
  return {
    $schema: DRAFT,
    $id: 'https://layerfuse.dev/schemas/pipeline.schema.json',
    title: 'layerfuse pipeline',
    description: 'A layerfuse pipeline: typed params and a graph of nodes (generated by `layerfuse schema --write`).',
    type: 'object',
    required: ['version', 'name', 'nodes'],
    additionalProperties: false,
    patternProperties: { '^x-': { description: 'Ignored: a place for YAML anchors (`x-defaults: &d {...}`, then `<<: *d`).' } },
    properties: {
      version: { const: 1, description: 'File format version; must be 1.', errorMessage: 'version must be 1' },
      name: {
        type: 'string',
        pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
        description: 'Pipeline name; outputs for people go to results/<name>/.',
        errorMessage: 'name must start with a letter or digit and contain only letters, digits, `.`, `_` and `-`',
      },
      description: { type: 'string', description: 'Free text for people: what this pipeline is for.' },
      executor: {
        enum: ['local', 'slurm'],
        description: 'Where nodes run: `local` (default: this machine) or `slurm` (every node not cached becomes a batch job; see the Slurm profile). `--executor` overrides it.',
      },
      params: {
        type: ['object', 'null'],
        description: 'Parameters, overridable with `--set key=value`: a plain value (its type is inferred) or {type, default, description, enum}.',
        propertyNames: {
          pattern: PARAM_NAME_PATTERN,
          errorMessage: 'param names start with a letter or _ and contain only letters, digits, _ and -',
        },
        additionalProperties: { $ref: '#/definitions/param' },
      },
      nodes: {
        type: 'object',
        description: 'The nodes, by id. Ids start with a letter or _; dots are reserved for expanded ids.',
        propertyNames: {
          pattern: NODE_ID_PATTERN,
          not: { enum: RESERVED_IDS },
          errorMessage: 'node ids start with a letter or _ and contain only letters, digits, _ and - (dots separate expanded ids; `params`, `item`, `matrix` and `in` are reserved)',
        },
        additionalProperties: { $ref: '#/definitions/node' },
      },
    },
    definitions: {
      reference: { type: 'string', pattern: REF_PATTERN, description: 'A reference: ${params.x}, ${id}, ${id.port}, ${id.*}, ${item}, ${matrix.axis}.' },
      param: {
        description: 'A plain value, or a declaration {type, default, description, enum}.',
        anyOf: [
          {
            type: 'object',
            properties: {
              type: { enum: ['integer', 'number', 'string', 'boolean', 'list', 'map'] },
              default: {},
              description: { type: 'string' },
              enum: { type: 'array' },
            },
            additionalProperties: false,
          },
          {},
        ],
      },
      nodeBase,
      node: { allOf: [{ $ref: '#/definitions/nodeBase' }, { properties: { uses: usesSchema } }, ...conditionals] },
    },
  };
}

/** Every file of schemas/, by path relative to it, as the exact text to write. */
export function buildSchemaFiles(types: Iterable<AnyNodeType>): Map<string, string> {
  const descriptors = [...types].map(describeNodeType).sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const files = new Map<string, string>();
  files.set('pipeline.schema.json', serialize(buildPipelineSchema(descriptors)));
  files.set('slurm-profile.schema.json', serialize(SLURM_PROFILE_SCHEMA));
  for (const d of descriptors) files.set(`nodes/${d.type}.json`, serialize(d));
  return files;
}

function serialize(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

function listJson(dir: string, root = dir): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listJson(p, root));
    else if (name.endsWith('.json')) out.push(relative(root, p).split(sep).join('/'));
  }
  return out;
}

/** Differences between the generated files and what is on disk (paths relative to `dir`). */
export function staleSchemaFiles(dir: string, files: Map<string, string>): { changed: string[]; missing: string[]; extra: string[] } {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [path, text] of files) {
    let disk: string;
    try {
      disk = readFileSync(join(dir, path), 'utf8');
    } catch {
      missing.push(path);
      continue;
    }
    if (disk !== text) changed.push(path);
  }
  const onDisk = [...listJson(dir)];
  const extra = onDisk.filter((p) => !files.has(p)).sort();
  return { changed: changed.sort(), missing: missing.sort(), extra };
}

/** Write the files and delete generated JSON that no longer corresponds to a type. Returns paths written. */
export function writeSchemaFiles(dir: string, files: Map<string, string>): string[] {
  const { extra } = staleSchemaFiles(dir, files);
  for (const p of extra) rmSync(join(dir, p));
  const written: string[] = [];
  for (const [path, text] of files) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    let old: string | undefined;
    try {
      old = readFileSync(target, 'utf8');
    } catch {
      old = undefined;
    }
    if (old !== text) {
      writeFileSync(target, text);
      written.push(path);
    }
  }
  return written;
}

/**
 * A shell step's `data` inputs as files its command can read: each upstream artifact is written
 * under the execution's scratch folder, and its path goes into the environment
 * (`LAYERFUSE_IN_<NAME>`, plus `LAYERFUSE_INPUTS`, a JSON index of all of them) and into the
 * command where it says `${in.NAME}`. NAME is the producing node's id (when it gives one input)
 * or `ID.PORT`. What a path holds:
 *   - a plain JSON artifact (an evaluation, scores, an ablation, a fusion): `NAME.json`, the manifest;
 *   - a files artifact (a shell node's outputs, an export): a folder holding the files;
 *   - a dataset: a folder with `train.jsonl`, `validation.jsonl`, `test.jsonl`, `calibration.jsonl`
 *     (one `{"text", "label"}` object a line) and `manifest.json`;
 *   - anything else holding blobs or tensors (a model, captured signals): a folder with
 *     `manifest.json`, where each tensor is `{"$npy": "PATH.npy", dtype, shape}` and each blob
 *     `{"$file": "PATH"}`, PATH its place in the manifest (`tensors/bert.pooler.dense.weight`),
 *     beside those files (tensors as .npy for `numpy.load`).
 * The paths live in scratch space, never in the key: the key holds `${in.NAME}` as written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { NodeError } from '../../artifacts/errors.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import { encodeNpy } from '../../artifacts/npy.js';
import type { Artifact, BlobRef, PortType, TensorRef } from '../../artifacts/types.js';
import { DATASET_FORMAT } from '../../ml/data/manifest.js';

export interface MaterializedInput {
  node: string;
  port: string;
  type: PortType;
  /** Absolute path of the file or folder. */
  path: string;
  kind: 'file' | 'folder';
}

const HEX64 = /^[0-9a-f]{64}$/;

function isBlobRef(v: unknown): v is BlobRef {
  return typeof v === 'object' && v !== null && typeof (v as BlobRef).$blob === 'string' && HEX64.test((v as BlobRef).$blob);
}

function isTensorRef(v: unknown): v is TensorRef {
  return typeof v === 'object' && v !== null && typeof (v as TensorRef).$tensor === 'string' && HEX64.test((v as TensorRef).$tensor);
}

function hasRefs(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (isBlobRef(v) || isTensorRef(v)) return true;
  return Object.values(v as Record<string, unknown>).some(hasRefs);
}

function isPlainFiles(m: unknown): m is { files: Record<string, BlobRef> } {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
  const keys = Object.keys(m);
  const files = (m as { files?: unknown }).files;
  return keys.length === 1 && keys[0] === 'files' && typeof files === 'object' && files !== null && Object.values(files).every(isBlobRef);
}

/** A path segment safe on any filesystem (manifest keys such as tensor names are mostly safe already). */
function segment(s: string): string {
  const clean = s.replace(/[^A-Za-z0-9._-]/g, '_');
  return clean === '' || clean === '.' || clean === '..' ? '_' : clean;
}

async function writeOut(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}

/** Write every blob and tensor of `v` under `folder`, returning `v` with them replaced by relative paths. */
async function writeRefs(ctx: NodeContext, v: unknown, folder: string, path: string[]): Promise<unknown> {
  if (typeof v !== 'object' || v === null) return v;
  if (isTensorRef(v)) {
    const rel = (path.map(segment).join('/') || 'tensor') + '.npy';
    await writeOut(join(folder, rel), encodeNpy(await ctx.getTensor(v)));
    return { $npy: rel, dtype: v.dtype, shape: v.shape };
  }
  if (isBlobRef(v)) {
    const rel = path.map(segment).join('/') || 'blob';
    await writeOut(join(folder, rel), await ctx.getBytes(v));
    return { $file: rel };
  }
  if (Array.isArray(v)) return Promise.all(v.map((x, i) => writeRefs(ctx, x, folder, [...path, String(i)])));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = await writeRefs(ctx, x, folder, [...path, k]);
  return out;
}

async function materializeOne(ctx: NodeContext, a: Artifact, base: string): Promise<MaterializedInput> {
  const m = a.manifest;
  const info = { node: a.from.node, port: a.from.port, type: a.type };
  if (isPlainFiles(m)) {
    for (const [rel, ref] of Object.entries(m.files)) {
      if (rel.split('/').some((s) => s === '..' || s === '')) throw new NodeError(`${ctx.nodeId}: input ${a.from.node}.${a.from.port} holds a file named '${rel}'`);
      await writeOut(join(base, rel), await ctx.getBytes(ref));
    }
    await mkdir(base, { recursive: true });
    return { ...info, path: base, kind: 'folder' };
  }
  const dataset = m as { format?: unknown; splits?: Record<string, unknown> } | null;
  if (dataset?.format === DATASET_FORMAT && typeof dataset.splits === 'object' && dataset.splits !== null) {
    const splits: Record<string, string> = {};
    for (const [split, ref] of Object.entries(dataset.splits)) {
      if (!isBlobRef(ref)) continue;
      splits[split] = `${segment(split)}.jsonl`;
      await writeOut(join(base, splits[split]), await ctx.getBytes(ref));
    }
    await writeOut(join(base, 'manifest.json'), JSON.stringify({ ...dataset, splits }, null, 2) + '\n');
    return { ...info, path: base, kind: 'folder' };
  }
  if (!hasRefs(m)) {
    const file = `${base}.json`;
    await writeOut(file, JSON.stringify(m, null, 2) + '\n');
    return { ...info, path: file, kind: 'file' };
  }
  const manifest = await writeRefs(ctx, m, base, []);
  await writeOut(join(base, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { ...info, path: base, kind: 'folder' };
}

/** `LAYERFUSE_IN_` + NAME in capitals, other characters as `_` (`curve.fuse` -> `LAYERFUSE_IN_CURVE_FUSE`). */
export function inputEnvName(name: string): string {
  return `LAYERFUSE_IN_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Materialize `artifacts` under `dir`; returns them by name (`ID.PORT` always, `ID` when that
 * node gives one input) and the environment variables that point at them.
 */
export async function materializeInputs(ctx: NodeContext, artifacts: readonly Artifact[], dir: string): Promise<{ byName: Map<string, MaterializedInput>; env: Record<string, string> }> {
  const byName = new Map<string, MaterializedInput>();
  const perNode = new Map<string, number>();
  for (const a of artifacts) perNode.set(a.from.node, (perNode.get(a.from.node) ?? 0) + 1);
  for (const a of artifacts) {
    const full = `${a.from.node}.${a.from.port}`;
    if (byName.has(full)) continue; // the same output listed twice
    const m = await materializeOne(ctx, a, join(dir, segment(full)));
    byName.set(full, m);
    if (perNode.get(a.from.node) === 1) byName.set(a.from.node, m);
  }
  const env: Record<string, string> = {};
  const index: Record<string, MaterializedInput> = {};
  const users = new Map<string, number>();
  for (const name of byName.keys()) users.set(inputEnvName(name), (users.get(inputEnvName(name)) ?? 0) + 1);
  for (const [name, m] of byName) {
    index[name] = m;
    // Names that differ only in case or punctuation would share a variable: neither gets it (the index has both).
    if (users.get(inputEnvName(name)) === 1) env[inputEnvName(name)] = m.path;
  }
  const indexFile = join(dir, 'inputs.json');
  await writeOut(indexFile, JSON.stringify(index, null, 2) + '\n');
  env.LAYERFUSE_INPUTS = indexFile;
  return { byName, env };
}

/** A path as shell text: bare when it is safe, else single-quoted (write `${in.NAME}` without quotes). */
export function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command with every `${in.NAME}` replaced by that input's path. `validate` has checked
 * every NAME against the inputs; one it does not know was written `$${in.…}` (a literal) and
 * stays as it is.
 */
export function withInputPaths(command: string, byName: ReadonlyMap<string, MaterializedInput>): string {
  return command.replace(/\$\{\s*in\.([^}\s]+)\s*\}/g, (all, name: string) => {
    const m = byName.get(name);
    return m ? shellQuote(m.path) : all;
  });
}

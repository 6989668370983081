/**
 * Finding store references inside manifests. A manifest is any JSON value; BlobRef and TensorRef
 * objects anywhere in it point into the object store, which verify, gc and workers must know.
 */
import type { BlobRef, TensorRef, DType } from '../artifacts/index.js';

const DTYPES: ReadonlySet<string> = new Set<DType>(['F32', 'I32', 'F16', 'BF16', 'U8', 'I64', 'F64']);
const HEX64 = /^[0-9a-f]{64}$/;

export function isBlobRef(v: unknown): v is BlobRef {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.$blob === 'string' && HEX64.test(o.$blob) && typeof o.size === 'number';
}

export function isTensorRef(v: unknown): v is TensorRef {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.$tensor === 'string' &&
    HEX64.test(o.$tensor) &&
    typeof o.dtype === 'string' &&
    DTYPES.has(o.dtype) &&
    Array.isArray(o.shape)
  );
}

/** Every object digest a manifest references (blobs and tensor blobs), deduplicated. */
export function collectObjectDigests(manifest: unknown, into: Set<string> = new Set()): Set<string> {
  visit(manifest, into);
  return into;
}

function visit(v: unknown, into: Set<string>): void {
  if (typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    for (const item of v) visit(item, into);
    return;
  }
  if (isBlobRef(v)) into.add(v.$blob);
  else if (isTensorRef(v)) into.add(v.$tensor);
  for (const child of Object.values(v as Record<string, unknown>)) visit(child, into);
}

/** Every BlobRef with the JSON path to it (for `show`, which prints JSON/JSONL blobs' content). */
export function collectBlobRefs(manifest: unknown, path = ''): Array<{ path: string; ref: BlobRef }> {
  const out: Array<{ path: string; ref: BlobRef }> = [];
  const walk = (v: unknown, p: string): void => {
    if (typeof v !== 'object' || v === null) return;
    if (isBlobRef(v)) {
      out.push({ path: p, ref: v });
      return;
    }
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, `${p}/${i}`));
    else for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, `${p}/${k}`);
  };
  walk(manifest, path);
  return out;
}

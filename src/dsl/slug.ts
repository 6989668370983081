/**
 * Readable id suffixes for expanded nodes: `score.weight-entropy`, `curve.fuse`, `m.0.001.4`.
 * Lowercase, only [a-z0-9_.-]; other runs become `-`. A list or map item joins its values.
 */
import { NodeRef } from './references.js';

export function slugify(v: unknown): string {
  if (v instanceof NodeRef) return v.slug;
  if (Array.isArray(v)) return v.map(slugify).filter((s) => s !== '').join('-');
  if (v !== null && typeof v === 'object') return Object.values(v).map(slugify).filter((s) => s !== '').join('-');
  return String(v)
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

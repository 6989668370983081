/**
 * Validation of a safetensors header, before any tensor is decoded: the rules of the reference
 * implementation (huggingface/safetensors `Metadata::validate`) plus the ones JSON.parse hides.
 * - the 8-byte header length fits in the file (and HF's 100 MB header limit);
 * - the header is UTF-8 JSON, an object, with no key given twice at any level (JSON.parse
 *   would keep the last one silently, so two tensors could claim one name);
 * - `__metadata__`, when present, maps strings to strings;
 * - each tensor: a known dtype, a shape of non-negative integers, `data_offsets` [begin, end]
 *   with begin <= end, exactly the bytes its shape and dtype need, inside the data;
 * - sorted by offset, the tensors tile the data exactly: no overlap (two tensors sharing
 *   bytes), no gap, nothing after the last one.
 * The codec (safetensors.ts) runs it before decoding anything, for checkpoints and store blobs.
 */
import { InputError } from './errors.js';

export class SafetensorsError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

/** Bytes per element of each dtype we read. */
export const DTYPE_BYTES: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4, I64: 8, U8: 1 };

/** huggingface/safetensors' MAX_HEADER_SIZE. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Element count (product of the shape). */
  count: number;
  /** Byte range in the data section (after the header). */
  begin: number;
  end: number;
}

export interface CheckedHeader {
  /** In header order. */
  entries: HeaderEntry[];
  metadata: Record<string, string>;
  /** Offset of the data section in the file. */
  dataStart: number;
}

/**
 * The first key that appears twice in one object of a JSON text (already known to be valid
 * JSON), with the path of that object; keys compare after unescaping, as JSON.parse does.
 */
export function duplicateJsonKey(text: string): { key: string; path: string[] } | undefined {
  /** An object (with its keys) or an array (with the index of its current element). */
  type Frame = { keys: Set<string> | undefined; expectKey: boolean; name: string; index: number };
  const stack: Frame[] = [];
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { key, path: stack.slice(1).map((f) => f.name) };
        top.keys.add(key);
        top.expectKey = false;
        lastKey = key;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      const name = parent && !parent.keys ? `[${parent.index}]` : lastKey;
      stack.push({ keys: c === '{' ? new Set() : undefined, expectKey: c === '{', name, index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
      else if (top) top.index++;
    }
  }
  return undefined;
}

export function checkSafetensorsHeader(bytes: Uint8Array, source: string): CheckedHeader {
  const fail = (msg: string): never => {
    throw new SafetensorsError(`${source}: ${msg}`);
  };
  if (bytes.length < 8) fail(`truncated: ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const claimed = view.getBigUint64(0, true);
  if (claimed > BigInt(bytes.length - 8)) {
    fail(`truncated or not safetensors: the header length is ${claimed} bytes but the file has ${bytes.length - 8} after it`);
  }
  const headerLen = Number(claimed);
  if (headerLen > MAX_HEADER_BYTES) fail(`header of ${headerLen} bytes, above safetensors' limit of ${MAX_HEADER_BYTES}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    return fail('bad header: not UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`bad header: not JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('bad header: not a JSON object');
  const dup = duplicateJsonKey(text);
  if (dup) {
    const path = dup.path.map((p, i) => (i === 0 || p.startsWith('[') ? p : `.${p}`)).join('');
    const where = dup.path.length === 0 ? 'tensor' : `key in ${path}:`;
    fail(`bad header: ${where} ${JSON.stringify(dup.key)} appears twice (a reader would silently keep one)`);
  }

  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const entries: HeaderEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const ok = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.values(raw).every((v) => typeof v === 'string');
      if (!ok) fail('bad header: __metadata__ must map strings to strings');
      metadata = raw as Record<string, string>;
      continue;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`bad header: tensor ${name} is not an object`);
    const { dtype, shape, data_offsets: offs } = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) fail(`tensor ${name}: unsupported dtype ${String(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      fail(`tensor ${name}: bad shape ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      fail(`tensor ${name}: bad data_offsets ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as [number, number];
    if (end < begin) fail(`tensor ${name}: data_offsets [${begin}, ${end}] are out of order (the end is before the begin)`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const want = count * DTYPE_BYTES[dtype as string]!;
    if (!Number.isSafeInteger(want)) fail(`tensor ${name}: shape ${JSON.stringify(shape)} is too large`);
    if (end - begin !== want) {
      fail(`tensor ${name}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, shape ${JSON.stringify(shape)} ${String(dtype)} needs ${want}`);
    }
    if (end > dataLen) fail(`truncated: tensor ${name} ends at byte ${end} of the data but the file holds only ${dataLen} data bytes`);
    entries.push({ name, dtype: dtype as string, shape: shape as number[], count, begin, end });
  }

  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev: HeaderEntry | undefined;
  for (const e of sorted) {
    if (prev && e.begin < at) fail(`tensors ${prev.name} [${prev.begin}, ${prev.end}] and ${e.name} [${e.begin}, ${e.end}] overlap (they share bytes)`);
    if (e.begin > at) fail(`bytes [${at}, ${e.begin}) of the data belong to no tensor (before ${e.name}); safetensors data is contiguous`);
    at = Math.max(at, e.end);
    prev = e;
  }
  if (at !== dataLen) fail(`${dataLen - at} bytes after the last tensor${prev ? ` (${prev.name})` : ''} belong to no tensor`);
  return { entries, metadata, dataStart };
}

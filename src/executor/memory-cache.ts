/**
 * An in-memory Cache for fast unit tests (and embedding). It passes the same conformance suite
 * as FsCache. `blobPath` and logs need real files, so those go to a private temp directory.
 */
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobRef } from '../artifacts/index.js';
import type { Cache, CacheHit, IndexRecord, Lock } from './cache.js';
import { sha256Hex } from '../artifacts/canonical-json.js';
import { CorruptObjectError } from './errors.js';
import { referencedObjects } from './fs-cache.js';
import { collectObjectDigests } from './refs.js';
import { setTimeout as sleep } from 'node:timers/promises';

export class MemoryCache implements Cache {
  readonly dir = undefined;
  readonly description = '(memory)';
  private readonly objects = new Map<string, Uint8Array>();
  private readonly index = new Map<string, IndexRecord>();
  private readonly memos = new Map<string, unknown>();
  private readonly locks = new Set<string>();
  private scratch: string | undefined;

  private scratchDir(): string {
    this.scratch ??= mkdtempSync(join(tmpdir(), 'layerfuse-mem-'));
    return this.scratch;
  }

  async putBytes(bytes: Uint8Array): Promise<BlobRef> {
    const digest = sha256Hex(bytes);
    if (!this.objects.has(digest)) this.objects.set(digest, Uint8Array.from(bytes));
    return { $blob: digest, size: bytes.length };
  }

  async putFile(path: string): Promise<BlobRef> {
    return this.putBytes(await readFile(path));
  }

  async getBytes(digest: string): Promise<Uint8Array> {
    const bytes = this.objects.get(digest);
    if (!bytes) throw new Error(`cache: object ${digest} is missing from memory`);
    return Uint8Array.from(bytes);
  }

  blobPath(digest: string): string {
    const bytes = this.objects.get(digest);
    if (!bytes) throw new Error(`cache: object ${digest} is missing from memory`);
    const path = join(this.scratchDir(), 'objects', digest);
    if (!existsSync(path)) {
      mkdirSync(join(this.scratchDir(), 'objects'), { recursive: true });
      writeFileSync(path, bytes);
    }
    return path;
  }

  async hasObject(digest: string): Promise<boolean> {
    return this.objects.has(digest);
  }

  async checkObject(digest: string): Promise<CorruptObjectError | undefined> {
    const bytes = this.objects.get(digest);
    if (!bytes) return undefined;
    const actual = sha256Hex(bytes);
    if (actual === digest) return undefined;
    this.objects.delete(digest);
    return new CorruptObjectError(digest, actual, undefined);
  }

  async get(key: string): Promise<CacheHit | undefined> {
    const stored = this.index.get(key);
    if (!stored) return undefined;
    const record = structuredClone(stored);
    return {
      record,
      apply: async () => [...referencedObjects(record)].every((d) => this.objects.has(d)),
    };
  }

  async set(key: string, record: IndexRecord): Promise<boolean> {
    if (![...referencedObjects(record)].every((d) => this.objects.has(d))) return false;
    this.index.set(key, structuredClone(record));
    return true;
  }

  async getMemo(memoKey: string): Promise<{ value: unknown } | undefined> {
    if (!this.memos.has(memoKey)) return undefined;
    return { value: structuredClone(this.memos.get(memoKey)) };
  }

  async setMemo(memoKey: string, value: unknown): Promise<boolean> {
    if (![...collectObjectDigests(value)].every((d) => this.objects.has(d))) return false;
    this.memos.set(memoKey, structuredClone(value));
    return true;
  }

  async lock(name: string, signal?: AbortSignal): Promise<Lock> {
    while (this.locks.has(name)) {
      signal?.throwIfAborted();
      await sleep(5);
    }
    signal?.throwIfAborted();
    return this.take(name);
  }

  async tryLock(name: string): Promise<Lock | undefined> {
    return this.locks.has(name) ? undefined : this.take(name);
  }

  private take(name: string): Lock {
    this.locks.add(name);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        this.locks.delete(name);
      },
      // One process holds every lock of a memory cache: no other process can take it over.
      addHolder: async () => undefined,
    };
  }

  logPath(name: string): string {
    return join(this.scratchDir(), 'logs', `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.log`);
  }

  async makeTmpDir(): Promise<string> {
    mkdirSync(join(this.scratchDir(), 'tmp'), { recursive: true });
    return mkdtemp(join(this.scratchDir(), 'tmp', 'run-'));
  }
}

/**
 * The filesystem cache (default `cache/` of the cwd, or `--cache-dir`):
 *   objects/ab/cdef...   immutable blobs named by the sha256 of their bytes
 *   index/<key>          a node's IndexRecord (JSON)
 *   memo/<digest>        ctx.memo values, {format, digest, value} (the digest is checked on read)
 *   locks/<name>.lock    per-key and per-memo locks
 *   logs/<name>.log      live logs of running nodes (the finished log is also stored as a blob)
 *   tmp/                 per-execution scratch directories
 *   corrupt/             objects, index and memo entries found corrupt (not matching their digest,
 *                        or malformed), moved out of the store so that the node runs again
 * Every write is temp file + fsync + rename; a hit touches the index file's mtime so that
 * `cache gc --keep-days` keeps what was used recently.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rename, rm, stat, utimes, copyFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BlobRef } from '../artifacts/index.js';
import { fsyncDir, writeFileAtomic } from './atomic-write.js';
import type { Cache, CacheHit, IndexRecord, Lock } from './cache.js';
import { canonicalJson, sha256Hex } from '../artifacts/canonical-json.js';
import { makeMemoEntry, parseIndexRecord, parseMemoEntry } from './records.js';
import { CorruptObjectError } from './errors.js';
import { acquireFileLock } from './fs-lock.js';
import { sha256File } from './hash-file.js';
import { collectObjectDigests } from './refs.js';

const HEX64 = /^[0-9a-f]{64}$/;

export class FsCache implements Cache {
  readonly dir: string;
  readonly description: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.description = this.dir;
  }

  objectPath(digest: string): string {
    if (!HEX64.test(digest)) throw new Error(`cache: not an object digest: ${digest}`);
    return join(this.dir, 'objects', digest.slice(0, 2), digest.slice(2));
  }

  indexPath(key: string): string {
    if (!HEX64.test(key)) throw new Error(`cache: not a key: ${key}`);
    return join(this.dir, 'index', key);
  }

  memoPath(memoKey: string): string {
    return join(this.dir, 'memo', memoKey);
  }

  blobPath(digest: string): string {
    return this.objectPath(digest);
  }

  async hasObject(digest: string): Promise<boolean> {
    try {
      await stat(this.objectPath(digest));
      return true;
    } catch {
      return false;
    }
  }

  async putBytes(bytes: Uint8Array): Promise<BlobRef> {
    const digest = sha256Hex(bytes);
    const ref: BlobRef = { $blob: digest, size: bytes.length };
    if (await this.hasObject(digest)) return ref;
    await writeFileAtomic(this.objectPath(digest), bytes);
    return ref;
  }

  async putFile(path: string): Promise<BlobRef> {
    // Hash the copy, not the source, so a file changing under us cannot be stored under a
    // digest that does not match the stored bytes.
    const staging = join(this.dir, 'objects', `${'.tmp-'}put-${process.pid}-${randomBytes(6).toString('hex')}`);
    await mkdir(join(this.dir, 'objects'), { recursive: true });
    try {
      await copyFile(path, staging);
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of createReadStream(staging)) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      const digest = hash.digest('hex');
      const target = this.objectPath(digest);
      if (!(await this.hasObject(digest))) {
        const fh = await open(staging, 'r+');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
        await mkdir(join(target, '..'), { recursive: true });
        await rename(staging, target);
        await fsyncDir(join(target, '..'));
      }
      return { $blob: digest, size };
    } finally {
      await rm(staging, { force: true });
    }
  }

  async getBytes(digest: string): Promise<Uint8Array> {
    let buf: Buffer;
    try {
      buf = await readFile(this.objectPath(digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`cache: object ${digest} is missing from ${this.dir}`, { cause: e });
      throw e;
    }
    // Hashing costs little beside the read, and a corrupt blob must never reach a node silently.
    const actual = sha256Hex(buf);
    if (actual !== digest) throw await this.quarantine(digest, actual);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  async checkObject(digest: string): Promise<CorruptObjectError | undefined> {
    let actual: string;
    try {
      actual = await sha256File(this.objectPath(digest));
    } catch {
      return undefined;
    }
    return actual === digest ? undefined : this.quarantine(digest, actual);
  }

  /** Move a corrupt object out of objects/ (a rename: readers holding it open are unaffected). */
  private async quarantine(digest: string, actual: string): Promise<CorruptObjectError> {
    const to = join(this.dir, 'corrupt', `${digest}.${Date.now()}`);
    try {
      await mkdir(join(this.dir, 'corrupt'), { recursive: true });
      await rename(this.objectPath(digest), to);
      return new CorruptObjectError(digest, actual, to);
    } catch {
      return new CorruptObjectError(digest, actual, undefined);
    }
  }

  /**
   * The record under `key`, or undefined for a miss. A malformed or hand-edited entry is a miss
   * too; with `onCorrupt` (the run path) it is also moved to corrupt/, so the node runs again
   * and stores a sound one, and described there. Without it (plan, show: dry readers) the cache
   * is left as it is.
   */
  async readIndex(key: string, onCorrupt?: (message: string) => void): Promise<IndexRecord | undefined> {
    const path = this.indexPath(key);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const parsed = parseIndexRecord(text, key);
    if ('ok' in parsed) return parsed.ok;
    if (!onCorrupt) return undefined;
    const movedTo = await this.moveAside(path, `index-${key}`);
    onCorrupt(`cache entry ${key.slice(0, 12)} ${parsed.problem}${movedTo ? `; moved to ${movedTo}` : ''}; running the node again`);
    return undefined;
  }

  /** Move a corrupt entry to corrupt/ (a rename: readers holding it open are unaffected). */
  private async moveAside(path: string, name: string): Promise<string | undefined> {
    const to = join(this.dir, 'corrupt', `${name}.${Date.now()}`);
    try {
      await mkdir(join(this.dir, 'corrupt'), { recursive: true });
      await rename(path, to);
      return to;
    } catch {
      return undefined;
    }
  }

  async get(key: string, onCorrupt?: (message: string) => void): Promise<CacheHit | undefined> {
    const record = await this.readIndex(key, onCorrupt);
    if (!record) return undefined;
    return {
      record,
      apply: async () => {
        for (const digest of referencedObjects(record)) {
          if (!(await this.hasObject(digest))) return false;
        }
        const now = new Date();
        await utimes(this.indexPath(key), now, now).catch(() => undefined);
        return true;
      },
    };
  }

  async set(key: string, record: IndexRecord): Promise<boolean> {
    for (const digest of referencedObjects(record)) {
      if (!(await this.hasObject(digest))) return false;
    }
    await writeFileAtomic(this.indexPath(key), JSON.stringify(record));
    return true;
  }

  async getMemo(memoKey: string, onCorrupt?: (message: string) => void): Promise<{ value: unknown } | undefined> {
    const path = this.memoPath(memoKey);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    const parsed = parseMemoEntry(text);
    if (!('ok' in parsed)) {
      // A memoized evaluation edited by hand must not reach later nodes: recompute it.
      if (!onCorrupt) return undefined;
      const movedTo = await this.moveAside(path, `memo-${memoKey}`);
      onCorrupt(`memoized value ${memoKey.slice(0, 12)} ${parsed.problem}${movedTo ? `; moved to ${movedTo}` : ''}; computing it again`);
      return undefined;
    }
    for (const digest of collectObjectDigests(parsed.ok.value)) {
      if (!(await this.hasObject(digest))) return undefined;
    }
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
    return { value: parsed.ok.value };
  }

  async setMemo(memoKey: string, value: unknown): Promise<boolean> {
    for (const digest of collectObjectDigests(value)) {
      if (!(await this.hasObject(digest))) return false;
    }
    await writeFileAtomic(this.memoPath(memoKey), canonicalJson(makeMemoEntry(value)));
    return true;
  }

  lock(name: string, signal?: AbortSignal): Promise<Lock> {
    return acquireFileLock(join(this.dir, 'locks', `${name}.lock`), signal ? { signal } : {});
  }

  tryLock(name: string): Promise<Lock | undefined> {
    return acquireFileLock(join(this.dir, 'locks', `${name}.lock`), { once: true });
  }

  logPath(name: string): string {
    return join(this.dir, 'logs', `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.log`);
  }

  async makeTmpDir(): Promise<string> {
    await mkdir(join(this.dir, 'tmp'), { recursive: true });
    return mkdtemp(join(this.dir, 'tmp', 'run-'));
  }
}

/** Objects an index record needs: every output manifest's refs and the log blob. */
export function referencedObjects(record: IndexRecord): Set<string> {
  const out = new Set<string>();
  for (const o of Object.values(record.outputs)) collectObjectDigests(o.manifest, out);
  if (record.log) out.add(record.log.$blob);
  return out;
}


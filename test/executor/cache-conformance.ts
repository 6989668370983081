/**
 * One conformance suite for every Cache implementation (wireit `caching/cache.ts` style): the
 * executor relies on exactly these behaviours, whichever store is behind it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cache, IndexRecord } from '../../src/executor/cache.js';
import { digestOf, sha256Hex } from '../../src/artifacts/canonical-json.js';
import { KEY_VERSION } from '../../src/executor/key.js';

export interface CacheFactory {
  name: string;
  make(): Promise<{ cache: Cache; scratch: string; cleanup: () => Promise<void> }>;
}

function record(key: string, manifest: unknown): IndexRecord {
  return {
    format: 1,
    key,
    node: 'n',
    components: { keyVersion: KEY_VERSION, type: 't', typeVersion: 1, params: {}, inputs: {} },
    outputs: { out: { type: 'json', digest: digestOf({ type: 'json', manifest }), manifest } },
    runs: [],
  };
}

export function cacheConformance(factory: CacheFactory): void {
  const withCache = (name: string, body: (c: Cache, scratch: string) => Promise<void>): void => {
    void test(`${factory.name}: ${name}`, async () => {
      const { cache, scratch, cleanup } = await factory.make();
      try {
        await body(cache, scratch);
      } finally {
        await cleanup();
      }
    });
  };

  withCache('blobs are content-addressed and round-trip', async (cache) => {
    const bytes = new TextEncoder().encode('hello blob');
    const a = await cache.putBytes(bytes);
    const b = await cache.putBytes(Uint8Array.from(bytes));
    assert.deepEqual(a, { $blob: sha256Hex(bytes), size: bytes.length });
    assert.deepEqual(a, b);
    assert.equal(await cache.hasObject(a.$blob), true);
    assert.deepEqual(await cache.getBytes(a.$blob), bytes);
    assert.deepEqual(new Uint8Array(await readFile(cache.blobPath(a.$blob))), bytes);
    assert.equal(await cache.hasObject(sha256Hex('other')), false);
    await assert.rejects(cache.getBytes(sha256Hex('other')), /missing/);
  });

  withCache('checkObject passes a sound object and an absent one', async (cache) => {
    const a = await cache.putBytes(new TextEncoder().encode('sound'));
    assert.equal(await cache.checkObject(a.$blob), undefined);
    assert.equal(await cache.checkObject(sha256Hex('absent')), undefined);
    assert.equal(await cache.hasObject(a.$blob), true);
  });

  withCache('putFile stores a copy under the digest of its bytes', async (cache, scratch) => {
    const file = join(scratch, 'f.txt');
    await writeFile(file, 'file content');
    const ref = await cache.putFile(file);
    await writeFile(file, 'changed afterwards');
    assert.equal(ref.$blob, sha256Hex('file content'));
    assert.equal(new TextDecoder().decode(await cache.getBytes(ref.$blob)), 'file content');
  });

  withCache('get misses, set then get hits and the hit applies', async (cache) => {
    const key = sha256Hex('key-1');
    assert.equal(await cache.get(key), undefined);
    const blob = await cache.putBytes(new TextEncoder().encode('x'));
    assert.equal(await cache.set(key, record(key, { blob })), true);
    const hit = await cache.get(key);
    assert.ok(hit);
    assert.deepEqual(hit.record.outputs.out?.manifest, { blob });
    assert.equal(await hit.apply(), true);
  });

  withCache('set declines a record whose objects are missing', async (cache) => {
    const key = sha256Hex('key-2');
    const ghost = { $blob: sha256Hex('never stored'), size: 12 };
    assert.equal(await cache.set(key, record(key, { ghost })), false);
    assert.equal(await cache.get(key), undefined);
  });

  withCache('set replaces an entry', async (cache) => {
    const key = sha256Hex('key-3');
    await cache.set(key, record(key, 1));
    await cache.set(key, record(key, 2));
    assert.equal((await cache.get(key))?.record.outputs.out?.manifest, 2);
  });

  withCache('memo values round-trip and decline missing objects', async (cache) => {
    assert.equal(await cache.getMemo(digestOf('m')), undefined);
    assert.equal(await cache.setMemo(digestOf('m'), { acc: 0.5 }), true);
    assert.deepEqual(await cache.getMemo(digestOf('m')), { value: { acc: 0.5 } });
    assert.equal(await cache.setMemo(digestOf('m2'), { $blob: sha256Hex('nope'), size: 1 }), false);
  });

  withCache('a lock excludes a second holder until released', async (cache) => {
    const first = await cache.lock('k');
    let second = false;
    const waiting = cache.lock('k').then((l) => {
      second = true;
      return l;
    });
    await sleep(80);
    assert.equal(second, false);
    await first.release();
    const l2 = await waiting;
    assert.equal(second, true);
    await l2.release();
    const other = await cache.lock('k');
    await other.release();
  });

  withCache('tryLock takes a free lock and answers at once when it is held', async (cache) => {
    const first = await cache.tryLock('t');
    assert.ok(first, 'free: taken');
    assert.equal(await cache.tryLock('t'), undefined, 'held: undefined at once');
    await first.release();
    const again = await cache.tryLock('t');
    assert.ok(again, 'free again after release');
    await again.release();
  });

  withCache('waiting for a lock stops when the signal aborts', async (cache) => {
    const held = await cache.lock('busy');
    const ac = new AbortController();
    const waiting = cache.lock('busy', ac.signal);
    ac.abort(new Error('stop waiting'));
    await assert.rejects(waiting, /stop waiting/);
    await held.release();
  });

  withCache('scratch dirs are fresh and log paths are stable', async (cache) => {
    const a = await cache.makeTmpDir();
    const b = await cache.makeTmpDir();
    assert.notEqual(a, b);
    assert.equal(cache.logPath('node.x'), cache.logPath('node.x'));
  });
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsCache } from '../../src/executor/fs-cache.js';
import { MemoryCache } from '../../src/executor/memory-cache.js';
import { cacheConformance } from './cache-conformance.js';

cacheConformance({
  name: 'FsCache',
  async make() {
    const scratch = await mkdtemp(join(tmpdir(), 'layerfuse-fscache-'));
    return { cache: new FsCache(join(scratch, 'cache')), scratch, cleanup: () => rm(scratch, { recursive: true, force: true }) };
  },
});

cacheConformance({
  name: 'MemoryCache',
  async make() {
    const scratch = await mkdtemp(join(tmpdir(), 'layerfuse-memcache-'));
    return { cache: new MemoryCache(), scratch, cleanup: () => rm(scratch, { recursive: true, force: true }) };
  },
});

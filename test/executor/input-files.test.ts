import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandPattern } from '../../src/executor/input-files.js';

void test('input globs follow symbolic links (a hub snapshot is a folder of links) and end on link cycles', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lf-input-files-'));
  try {
    await mkdir(join(dir, 'blobs'));
    await writeFile(join(dir, 'blobs', 'a1'), 'config');
    await writeFile(join(dir, 'blobs', 'b2'), 'weights');
    await mkdir(join(dir, 'snap'));
    await symlink(join(dir, 'blobs', 'a1'), join(dir, 'snap', 'config.json'));
    await symlink(join(dir, 'blobs', 'b2'), join(dir, 'snap', 'model.safetensors'));
    await symlink(join(dir, 'snap'), join(dir, 'snap', 'loop'));
    await symlink(join(dir, 'missing'), join(dir, 'snap', 'dangling'));
    assert.deepEqual(await expandPattern(dir, 'snap/*'), ['snap/config.json', 'snap/model.safetensors']);
    assert.deepEqual(await expandPattern(dir, 'snap/**'), ['snap/config.json', 'snap/model.safetensors']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

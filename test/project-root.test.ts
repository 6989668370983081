import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectRoot, resolveStore } from '../src/project-root.js';

void test('the project root is the nearest folder up holding .layerfuse, .git or package.json; else the start folder', async (t) => {
  const top = await mkdtemp(join(tmpdir(), 'layerfuse-root-'));
  t.after(() => rm(top, { recursive: true, force: true }));
  await mkdir(join(top, 'proj', 'sub', 'pipelines'), { recursive: true });
  await mkdir(join(top, 'bare', 'deep'), { recursive: true });
  await writeFile(join(top, 'proj', 'package.json'), '{}');
  assert.deepEqual(findProjectRoot(join(top, 'proj', 'sub', 'pipelines')), { dir: join(top, 'proj'), marker: 'package.json' });
  await mkdir(join(top, 'proj', 'sub', '.git'));
  assert.deepEqual(findProjectRoot(join(top, 'proj', 'sub', 'pipelines')), { dir: join(top, 'proj', 'sub'), marker: '.git' }, 'the nearest wins');
  await writeFile(join(top, 'proj', 'sub', 'pipelines', '.layerfuse'), '');
  assert.deepEqual(findProjectRoot(join(top, 'proj', 'sub', 'pipelines')), { dir: join(top, 'proj', 'sub', 'pipelines'), marker: '.layerfuse' });
  assert.deepEqual(findProjectRoot(join(top, 'bare', 'deep')), { dir: join(top, 'bare', 'deep'), marker: undefined });
});

void test('resolveStore: --cache-dir over LAYERFUSE_CACHE_DIR over <root>/cache, each relative to the working directory; results alike', async (t) => {
  const top = await mkdtemp(join(tmpdir(), 'layerfuse-root-'));
  t.after(() => rm(top, { recursive: true, force: true }));
  await mkdir(join(top, 'proj', 'pipelines'), { recursive: true });
  await writeFile(join(top, 'proj', '.layerfuse'), '');
  const file = join(top, 'proj', 'pipelines', 'p.yaml');
  const base = resolveStore({ pipelineFile: file, env: {}, cwd: top });
  assert.equal(base.cacheDir, join(top, 'proj', 'cache'));
  assert.equal(base.resultsDir, join(top, 'proj', 'results'));
  assert.equal(base.cacheFrom, 'root');
  const env = resolveStore({ pipelineFile: file, env: { LAYERFUSE_CACHE_DIR: 'c', LAYERFUSE_RESULTS_DIR: 'r' }, cwd: top });
  assert.deepEqual([env.cacheDir, env.cacheFrom, env.resultsDir, env.resultsFrom], [join(top, 'c'), 'env', join(top, 'r'), 'env']);
  const flag = resolveStore({ pipelineFile: file, cacheDir: 'f', env: { LAYERFUSE_CACHE_DIR: 'c' }, cwd: top });
  assert.deepEqual([flag.cacheDir, flag.cacheFrom], [join(top, 'f'), 'flag']);
  assert.equal(resolveStore({ env: {}, cwd: join(top, 'proj', 'pipelines') }).cacheDir, join(top, 'proj', 'cache'), 'no pipeline: from the working directory');
});

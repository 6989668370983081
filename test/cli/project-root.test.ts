/**
 * Issue 13: the cache and results/ follow the pipeline's project root, not the working
 * directory: the same pipeline run from three folders shares one cache.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../util/exec-cli.js';

void test('one pipeline, three working directories, one cache: the second and third runs execute nothing', async (t) => {
  const top = await mkdtemp(join(tmpdir(), 'layerfuse-proj-'));
  t.after(() => rm(top, { recursive: true, force: true }));
  const proj = join(top, 'proj');
  await mkdir(join(proj, 'pipelines'), { recursive: true });
  await mkdir(join(top, 'elsewhere'));
  await writeFile(join(proj, 'package.json'), '{"name": "my-experiments"}\n');
  await writeFile(
    join(proj, 'pipelines', 'p.yaml'),
    `version: 1
name: shared
nodes:
  a:
    uses: shell
    with: {run: echo a >> runs.log && echo a > a.txt, outputs: [a.txt], publish: [a.txt]}
  b:
    uses: shell
    with: {run: echo b >> runs.log && cat a.txt > b.txt, outputs: [b.txt], after: ["\${a}"]}
`,
  );
  const env = { ...process.env, LAYERFUSE_CACHE_DIR: '', LAYERFUSE_RESULTS_DIR: '' };
  const first = await cli(proj, ['run', 'pipelines/p.yaml'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /done: 2 ran, 0 cached/);
  assert.doesNotMatch(first.stderr, /^cache: /m, 'the default cache (cache/ here) is not announced');
  const second = await cli(join(proj, 'pipelines'), ['run', 'p.yaml'], env);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /^cache: \.\.\/cache \(the project root, marked by package\.json\)$/m);
  assert.match(second.stderr, /done: 0 ran, 2 cached/);
  const third = await cli(join(top, 'elsewhere'), ['run', '../proj/pipelines/p.yaml'], env);
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.stderr, /done: 0 ran, 2 cached/);
  const plan = await cli(join(top, 'elsewhere'), ['plan', '../proj/pipelines/p.yaml'], env);
  assert.match(plan.stderr, /^cache: \.\.\/proj\/cache \(the project root, marked by package\.json\)$/m);
  assert.match(plan.stdout, /2 cached, 0 to run/);
  assert.equal(await readFile(join(proj, 'pipelines', 'runs.log'), 'utf8'), 'a\nb\n', 'each command ran once');
  for (const d of [join(proj, 'pipelines'), join(top, 'elsewhere')]) {
    assert.equal(existsSync(join(d, 'cache')), false, `no second cache in ${d}`);
    assert.equal(existsSync(join(d, 'results')), false, `no second results/ in ${d}`);
  }
  assert.equal(await readFile(join(proj, 'results', 'shared', 'a', 'a.txt'), 'utf8'), 'a\n');
  // A shell step calling layerfuse finds the same cache without --cache-dir.
  const show = await cli(join(top, 'elsewhere'), ['show', '../proj/pipelines/p.yaml', 'a'], env);
  assert.equal(show.code, 0, show.stderr);
  // Overrides still win, and say so.
  const own = await cli(join(top, 'elsewhere'), ['plan', '../proj/pipelines/p.yaml'], { ...env, LAYERFUSE_CACHE_DIR: 'mine' });
  assert.match(own.stderr, /^cache: mine \(LAYERFUSE_CACHE_DIR\)$/m);
  assert.match(own.stdout, /0 cached, 2 to run/);
  const flag = await cli(join(top, 'elsewhere'), ['plan', '../proj/pipelines/p.yaml', '--cache-dir', '../proj/cache'], { ...env, LAYERFUSE_CACHE_DIR: 'mine' });
  assert.match(flag.stderr, /^cache: \.\.\/proj\/cache \(--cache-dir\)$/m);
  assert.match(flag.stdout, /2 cached, 0 to run/);
});

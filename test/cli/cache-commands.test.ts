/**
 * Issue 8: `cache verify`, `cache ls`, `cache gc`, `plan` and `run` on a cache whose index files
 * hold valid JSON of the wrong shape, and beside a lock file of the wrong shape: located
 * problems or a rerun, never a TypeError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../util/exec-cli.js';

void test('cache verify / ls / gc / plan / run cope with index entries and lock files of the wrong shape', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-shapes-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'p.yaml'), 'version: 1\nname: shapes\nnodes:\n  a:\n    uses: shell\n    with: {run: echo a > a.txt, outputs: [a.txt]}\n');
  assert.equal((await cli(dir, ['run', 'p.yaml'])).code, 0);
  const [key] = (await readdir(join(dir, 'cache', 'index'))).filter((n) => !n.startsWith('.'));
  for (const bad of ['null', '[]', '{"bogus":1}']) {
    await writeFile(join(dir, 'cache', 'index', key!), bad);
    const verify = await cli(dir, ['cache', 'verify']);
    assert.equal(verify.code, 1, bad);
    assert.doesNotMatch(verify.stderr, /TypeError|\n {4}at /, bad);
    assert.match(verify.stderr, new RegExp(`^error: index ${key}: (holds null|holds a list|format undefined)`, 'm'), bad);
    const ls = await cli(dir, ['cache', 'ls']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, new RegExp(`^${key!.slice(0, 12)} {2}\\(corrupt entry: `, 'm'));
    const gc = await cli(dir, ['cache', 'gc', '--keep-days', '1', '--dry-run']);
    assert.equal(gc.code, 0, gc.stderr);
    const plan = await cli(dir, ['plan', 'p.yaml']);
    assert.equal(plan.code, 0, plan.stderr);
    const run = await cli(dir, ['run', 'p.yaml']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: a: cache entry [0-9a-f]{12} .*; running the node again/);
    assert.match(run.stderr, /done: 1 ran, 0 cached/);
    assert.equal((await cli(dir, ['cache', 'verify'])).code, 0, 'the rerun stored a sound entry');
  }
  for (const lock of ['null', '{"version":1,"nodes":null}', '{"version":1,"nodes":{"a":null}}', '{"version":1,"nodes":{"a":{"key":"x","components":null}}}']) {
    await writeFile(join(dir, 'p.lock.json'), lock);
    const plan = await cli(dir, ['plan', 'p.yaml']);
    assert.equal(plan.code, 0, `${lock}: ${plan.stderr}`);
    assert.match(plan.stdout, /^cached a/m, lock);
  }
});

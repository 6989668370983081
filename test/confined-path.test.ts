import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertWritable, confinedRelative, linkEscape, removeConfined } from '../src/confined-path.js';

void test('confinedRelative: normalised paths inside the folder pass; the folder itself, above it, absolute do not', () => {
  assert.deepEqual(confinedRelative('out/./a/../f.txt'), { rel: 'out/f.txt' });
  assert.deepEqual(confinedRelative('out/'), { rel: 'out' });
  assert.deepEqual(confinedRelative('.', { allowRoot: true }), { rel: '.' });
  for (const bad of ['.', '', './', 'a/..', '..', '../x', 'a/../../x', '../../outside/precious.txt', '/etc/passwd', 'C:/x']) {
    assert.ok('why' in confinedRelative(bad), `${JSON.stringify(bad)} is refused`);
  }
  assert.match((confinedRelative('') as { why: string }).why, /empty/);
  assert.match((confinedRelative('a/../../x') as { why: string }).why, /normalises to '\.\.\/x'/);
});

void test('linkEscape, assertWritable, removeConfined: links inside are followed, links out are refused', async (t) => {
  const top = await mkdtemp(join(tmpdir(), 'layerfuse-confine-'));
  t.after(() => rm(top, { recursive: true, force: true }));
  const root = join(top, 'pipe');
  await mkdir(join(root, 'real'), { recursive: true });
  await mkdir(join(top, 'elsewhere'));
  await writeFile(join(top, 'elsewhere', 'precious.txt'), 'keep\n');
  await symlink('../elsewhere', join(root, 'out'));
  await symlink('real', join(root, 'inside'));
  await symlink('../missing', join(root, 'dangling'));
  assert.match((await linkEscape(root, 'out/f.txt')) ?? '', /^'out' is a symbolic link to .*elsewhere, outside /);
  assert.match((await linkEscape(root, 'dangling/f.txt')) ?? '', /^'dangling' is a symbolic link to .*missing, outside /);
  assert.equal(await linkEscape(root, 'inside/f.txt'), undefined);
  assert.equal(await linkEscape(root, 'new/deeper/f.txt'), undefined, 'paths that do not exist yet are fine');
  assert.equal(await linkEscape(root, 'out', false), undefined, 'the link itself may be removed');
  await assert.rejects(assertWritable(root, join(root, 'out', 'f.txt'), 'node n'), /^NodeError: node n: refusing to write .*out\/f\.txt: 'out' is a symbolic link/);
  await assert.rejects(assertWritable(root, join(top, 'x.txt'), 'node n'), /is not inside/);
  await assertWritable(root, join(root, 'inside', 'f.txt'), 'node n');
  await assert.rejects(removeConfined(root, 'out/precious.txt', 'node n'), /refusing to remove 'out\/precious.txt': 'out' is a symbolic link/);
  await assert.rejects(removeConfined(root, '..', 'node n'), /leads out of the pipeline folder/);
  await assert.rejects(removeConfined(root, '', 'node n'), /empty/);
  assert.ok(existsSync(join(top, 'elsewhere', 'precious.txt')));
  await removeConfined(root, 'out', 'node n');
  assert.equal(existsSync(join(root, 'out')), false, 'the link is gone');
  assert.ok(existsSync(join(top, 'elsewhere', 'precious.txt')), 'its target is untouched');
});

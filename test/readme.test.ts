/**
 * The README is the user's map: its node catalogue names every registered node type, its
 * relative links and images point at files in the repository, and the main job it gives runs
 * from a fresh clone (no path to a folder beside the checkout).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { registry } from '../src/nodes/registry.js';
import { repoRoot } from './util/shared.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

void test('the node catalogue lists every node type, and only those', () => {
  const start = readme.indexOf('## Node catalogue');
  assert.ok(start >= 0, 'README has a Node catalogue section');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const listed = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] ?? '');
  assert.deepEqual([...listed].sort(), [...registry.keys()].sort());
});

void test('relative links and images in the README resolve to files in the repository', () => {
  const targets = [...readme.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
    .map((m) => m[1] ?? '')
    .filter((t) => !/^[a-z]+:/.test(t));
  assert.ok(targets.length > 0);
  const missing = targets.filter((t) => !existsSync(join(repoRoot, t)));
  assert.deepEqual(missing, []);
});

void test('the main job is the default pipeline, which needs nothing beside the checkout', () => {
  assert.match(readme, /npm ci && npm run build && \.\/bin\/layerfuse\.js run pipelines\/default\.yaml/);
  const pipeline = readFileSync(join(repoRoot, 'pipelines', 'default.yaml'), 'utf8');
  const code = pipeline.split('\n').map((l) => l.replace(/#.*$/, ''));
  assert.deepEqual(code.filter((l) => l.includes('..')), []);
});

void test('internal anchors in the README name a heading', () => {
  const slug = (h: string) =>
    h
      .trim()
      .toLowerCase()
      .replace(/[^\w\- ]/g, '')
      .replace(/ /g, '-');
  const anchors = new Set([
    ...[...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1] ?? '')),
    ...[...readme.matchAll(/<a id="([^"]+)"/g)].map((m) => m[1] ?? ''),
  ]);
  const used = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1] ?? '');
  assert.deepEqual(used.filter((a) => !anchors.has(a)), []);
});

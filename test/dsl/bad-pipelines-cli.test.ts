/**
 * Through the CLI: a bad pipeline exits 2 with `file:line:col` and never a stack trace; and a
 * pipeline whose ids, params, matrix axes, foreach items and output files are named like
 * Object.prototype's members plans, runs and reruns from the cache like any other.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertNoStack } from '../util/bad-input.js';
import { runCli } from '../util/dsl-cli.js';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function tempPipeline(content: string | Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'layerfuse-bad-cli-'));
  temps.push(dir);
  writeFileSync(join(dir, 'p.yaml'), content);
  return dir;
}

void test('non-UTF-8 pipeline file: exit 2 at the line and column of the first bad byte', () => {
  const text = 'version: 1\nname: t\nnodes:\n  a:\n    uses: shell\n    with: {run: "echo caf\xe9"}\n';
  const dir = tempPipeline(Buffer.from(text, 'latin1'));
  const r = runCli(['validate', 'p.yaml'], dir);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    `p.yaml:6:26: error: not valid UTF-8 (byte 0xe9 at offset 72); a pipeline file must be UTF-8: save it as UTF-8
        with: {run: "echo caf\ufffd"}
                             ^
1 error in p.yaml
`,
  );
});

void test('YAML alias problems through the CLI: exit 2, located, no stack trace', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['version: 1\nname: t\nnodes:\n  a: *a\n', [], /^p\.yaml:4:6: error: YAML: alias `\*a` has no anchor/],
    ['version: 1\nname: t\nx-s: &s 3\nnodes:\n  a:\n    <<: *s\n    uses: shell\n', [], /^p\.yaml:6:9: error: YAML: a merge key `<<` takes a map/],
    ['version: 1\nname: t\nnodes:\n  a:\n    uses: shell\n    foreach: &a [x, *a]\n    with: {run: echo}\n', [], /^p\.yaml:6:21: error: YAML: alias `\*a` is inside/],
    ['version: 1\nname: t\nparams:\n  l: [a]\nnodes:\n  a:\n    uses: shell\n    foreach: ${params.l}\n    with: {run: echo}\n', ['--set', 'l=&a [x, *a]'], /^p\.yaml:4:3: error: --set l=&a \[x, \*a\]: not a YAML value: alias/],
  ];
  for (const [text, extra, expected] of cases) {
    const r = runCli(['plan', 'p.yaml', ...extra], tempPipeline(text));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, expected);
    assertNoStack(r.stderr);
  }
});

void test('an over-long node id fails validate, not the run with ENAMETOOLONG', () => {
  const id = 'n'.repeat(300);
  const dir = tempPipeline(`version: 1\nname: t\nnodes:\n  ${id}:\n    uses: shell\n    with: {run: echo hi}\n`);
  const r = runCli(['run', 'p.yaml', '--cache-dir', join(dir, 'cache')], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^p\.yaml:4:3: error: node id `n{40}…` is 300 characters long, above the limit of 128/);
  assert.equal(existsSync(join(dir, 'cache', 'logs')), false, 'nothing ran');
});

void test('an unknown command named like an Object.prototype member is a usage error', () => {
  for (const name of ['constructor', 'toString', '__proto__']) {
    const r = runCli([name]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`^layerfuse: unknown command '${name}'`));
  }
});

const protoPipeline = `version: 1
name: proto
params:
  __proto__: 3
  constructor: c
  toString: t
  hasOwnProperty: {valueOf: v}
nodes:
  __proto__:
    uses: shell
    with: {run: "echo \${params.__proto__} > __proto__", outputs: [__proto__]}
  constructor:
    uses: shell
    with:
      run: "echo \${params.constructor} \${params.toString} \${params.hasOwnProperty.valueOf} > constructor.txt"
      outputs: [constructor.txt]
      publish: [constructor.txt]
      env: {constructor: x}
      after: ["\${__proto__}"]
  hasOwnProperty:
    uses: shell
    matrix: {constructor: [a], __proto__: [b]}
    with: {run: "echo \${matrix.constructor}\${matrix.__proto__} > m.txt", outputs: [m.txt]}
  toString:
    uses: shell
    foreach: [__proto__, constructor]
    with: {run: "echo \${item} >> each.txt", after: ["\${constructor}"]}
  valueOf:
    uses: shell
    needs: [toString.*, hasOwnProperty.*]
    with: {run: "cat __proto__ constructor.txt m.txt > all.txt", outputs: [all.txt], data: ["\${__proto__}", "\${constructor.files}"]}
`;

void test('node ids, params, matrix axes, foreach items and files named __proto__, constructor, hasOwnProperty, toString, valueOf: plan, run, rerun', () => {
  const dir = tempPipeline(protoPipeline);
  const cache = ['--cache-dir', join(dir, 'cache')];
  const ids = ['__proto__', 'constructor', 'hasOwnProperty.a.b', 'toString.__proto__', 'toString.constructor', 'valueOf'];

  const plan = runCli(['plan', 'p.yaml', ...cache], dir);
  assert.equal(plan.code, 0, plan.stderr);
  for (const id of ids) assert.match(plan.stdout, new RegExp(`^run +${id.replace(/\./g, '\\.')} +new$`, 'm'));
  assert.match(plan.stdout, /0 cached, 6 to run/);

  const run = runCli(['run', 'p.yaml', ...cache], dir);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.match(run.stdout + run.stderr, /done: 6 ran, 0 cached/);
  assert.equal(readFileSync(join(dir, 'all.txt'), 'utf8'), '3\nc t v\nab\n');
  assert.equal(readFileSync(join(dir, 'results', 'proto', 'constructor', 'constructor.txt'), 'utf8'), 'c t v\n');
  const lock = JSON.parse(readFileSync(join(dir, 'p.lock.json'), 'utf8')) as { nodes: Record<string, unknown> };
  assert.deepEqual(Object.keys(lock.nodes).sort(), [...ids].sort(), 'every node is in the lock file');

  const again = runCli(['plan', 'p.yaml', ...cache], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /6 cached, 0 to run/);
  const changed = runCli(['plan', 'p.yaml', ...cache, '--set', 'constructor=d'], dir);
  assert.match(changed.stdout, /^run +constructor +params changed: with\.run$/m);
  assert.match(changed.stdout, /^cached +__proto__$/m);
  const rerun = runCli(['run', 'p.yaml', ...cache], dir);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stdout + rerun.stderr, /done: 0 ran, 6 cached/);
});

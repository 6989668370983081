/**
 * Bad pipelines that used to escape as stack traces, hang, or pass validation and fail later:
 * each must be a located diagnostic from `validate` (exit 2 through the CLI, see
 * bad-pipelines-cli.test.ts). One case per kind of input, in the table style of
 * test/util/bad-input.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_EXPANDED_VALUES } from '../../src/dsl/check-aliases.js';
import { MAX_NAME_LENGTH } from '../../src/dsl/load.js';
import { badInputTests, type BadInput } from '../util/bad-input.js';
import { loadText } from '../util/dsl-schemas.js';

type Input = { text: string; sets?: string[] };

async function messages(input: Input): Promise<string[]> {
  const r = await loadText(input.text, input.sets ?? []);
  if (r.graph) return [];
  return r.diagnostics.map((d) => `${d.location.file}${d.location.range ? `:${d.location.range.start.line}:${d.location.range.start.col}` : ''}: ${d.message}`);
}

const head = 'version: 1\nname: t\n';
const echo = (extra = ''): string => `${head}${extra}nodes:\n  a:\n    uses: util/echo\n    with: {value: 1}\n`;

/** x-a..x-i, each nine aliases of the one before: 9^9 values once expanded. */
function aliasBomb(): string {
  const lines = ['x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 9; i++) {
    const [prev, cur] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
    lines.push(`x-${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  return echo(lines.join('\n') + '\n');
}

const aliasCases: Array<BadInput<Input>> = [
  {
    name: 'unresolved alias (no anchor before it)',
    input: { text: `${head}nodes:\n  a: *a\n` },
    expect: 'test.yaml:4:6: YAML: alias `*a` has no anchor `&a` before it',
  },
  {
    name: 'alias used before its anchor',
    input: { text: `${head}x-use: *later\nx-def: &later {uses: util/echo}\nnodes:\n  a: {uses: util/echo}\n` },
    expect: 'test.yaml:3:8: YAML: alias `*later` has no anchor `&later` before it',
  },
  {
    name: 'recursive anchor in foreach',
    input: { text: `${head}nodes:\n  a:\n    uses: util/echo\n    foreach: &a [x, *a]\n    with: {value: "\${item}"}\n` },
    expect: 'test.yaml:6:21: YAML: alias `*a` is inside the node anchored `&a` that it stands for',
  },
  {
    name: 'recursive anchor through a merge key',
    input: { text: `${head}x-d: &d {uses: util/echo, <<: *d}\nnodes:\n  a: {<<: *d}\n` },
    expect: 'test.yaml:3:31: YAML: alias `*d` is inside the node anchored `&d`',
  },
  {
    name: 'recursive anchor through --set',
    input: { text: `${head}params:\n  list: [a]\nnodes:\n  a:\n    uses: util/echo\n    foreach: \${params.list}\n`, sets: ['list=&a [x, *a]'] },
    expect: 'test.yaml:4:3: --set list=&a [x, *a]: not a YAML value: alias `*a` is inside the node anchored `&a`',
  },
  {
    name: 'unresolved alias through --set',
    input: { text: `${head}params:\n  list: [a]\nnodes:\n  a: {uses: util/echo}\n`, sets: ['list=[*nope]'] },
    expect: '--set list=[*nope]: not a YAML value: alias `*nope` has no anchor `&nope` before it',
  },
  {
    name: 'alias bomb ("billion laughs")',
    input: { text: aliasBomb() },
    expect: `test.yaml:11:10: YAML: aliases expand this document to 490,329,078 values, above the limit of ${MAX_EXPANDED_VALUES.toLocaleString('en-US')} (an alias bomb?); \`*h\` alone stands for 48,427,561`,
  },
  {
    name: 'alias bomb through --set',
    input: { text: `${head}params:\n  v: 1\nnodes:\n  a: {uses: util/echo}\n`, sets: [`v=${aliasBomb().split('\n').filter((l) => l.startsWith('x-')).map((l) => l.slice(5)).join(', ').replace(/^/, '[').concat(']')}`] },
    expect: /--set v=.*: not a YAML value: aliases expand this document to .* values, above the limit/,
  },
  {
    name: 'merge key on a scalar alias',
    input: { text: `${head}x-s: &s 3\nnodes:\n  a:\n    <<: *s\n    uses: util/echo\n` },
    expect: 'test.yaml:6:9: YAML: a merge key `<<` takes a map or a list of maps (such as `*defaults` or `[*a, *b]`); `*s` is the scalar `3`',
  },
  {
    name: 'merge key on a plain scalar',
    input: { text: `${head}nodes:\n  a:\n    <<: 3\n    uses: util/echo\n` },
    expect: 'test.yaml:5:9: YAML: a merge key `<<` takes a map or a list of maps',
  },
  {
    name: 'merge key list holding a list',
    input: { text: `${head}x-l: &l [1]\nx-m: &m {uses: util/echo}\nnodes:\n  a: {<<: [*m, *l]}\n` },
    expect: 'test.yaml:6:16: YAML: a merge key `<<` merges maps only; in its list, `*l` is a list',
  },
];

const idCases: Array<BadInput<Input>> = [
  {
    name: 'with key named constructor (an inherited name is no parameter)',
    input: { text: `${head}nodes:\n  a:\n    uses: util/echo\n    with: {constructor: 1, __proto__: {x: 1}, toString: 2}\n` },
    expect: 'test.yaml:6:12: node `a` (util/echo): unknown key `constructor` in `with`',
  },
  {
    name: 'output port named toString',
    input: { text: `${head}nodes:\n  a: {uses: util/echo}\n  b:\n    uses: util/echo\n    with: {after: ["\${a.toString}"]}\n` },
    expect: 'node `a` (util/echo) has no output `toString`',
  },
  {
    name: 'param key named hasOwnProperty inside a map param',
    input: { text: `${head}params:\n  m: {a: 1}\nnodes:\n  a:\n    uses: util/echo\n    with: {value: "\${params.m.hasOwnProperty}"}\n` },
    expect: 'param `m` has no key `hasOwnProperty`',
  },
  {
    name: 'undeclared param named __proto__',
    input: { text: `${head}nodes:\n  a:\n    uses: util/echo\n    with: {value: "\${params.__proto__}"}\n` },
    expect: 'no param `__proto__`',
  },
  {
    name: 'foreach item key named valueOf',
    input: { text: `${head}nodes:\n  a:\n    uses: util/echo\n    foreach: [{k: 1}]\n    with: {value: "\${item.valueOf}"}\n` },
    expect: 'the foreach item has no key `valueOf`',
  },
  {
    name: 'unknown node type named toString',
    input: { text: `${head}nodes:\n  a: {uses: toString}\n` },
    expect: 'unknown node type `toString`',
  },
  {
    name: 'needs names an undefined node called constructor',
    input: { text: `${head}nodes:\n  a: {uses: util/echo, needs: [constructor]}\n` },
    expect: 'no node `constructor`',
  },
];

const long = 'n'.repeat(MAX_NAME_LENGTH + 1);
const lengthCases: Array<BadInput<Input>> = [
  {
    name: 'over-long pipeline name',
    input: { text: `version: 1\nname: ${'p'.repeat(300)}\nnodes:\n  a: {uses: util/echo}\n` },
    expect: `test.yaml:2:7: pipeline name is 300 characters long, above the limit of ${MAX_NAME_LENGTH}`,
  },
  {
    name: 'over-long node id',
    input: { text: `${head}nodes:\n  ${long}: {uses: util/echo}\n` },
    expect: `test.yaml:4:3: node id \`${'n'.repeat(40)}…\` is ${MAX_NAME_LENGTH + 1} characters long, above the limit of ${MAX_NAME_LENGTH}`,
  },
  {
    name: 'over-long id expanded from a foreach item',
    input: { text: `${head}nodes:\n  g:\n    uses: util/echo\n    foreach: [short, ${'x'.repeat(MAX_NAME_LENGTH)}]\n` },
    expect: `test.yaml:6:22: node id \`g.${'x'.repeat(38)}…\` is ${MAX_NAME_LENGTH + 2} characters long, above the limit of ${MAX_NAME_LENGTH} (ids name files: results/<pipeline>/<id>/ and cache logs); it is \`g\` plus a foreach item or matrix values`,
  },
  {
    name: 'over-long id expanded from matrix values',
    input: { text: `${head}params:\n  v: ${'y'.repeat(MAX_NAME_LENGTH)}\nnodes:\n  m:\n    uses: util/echo\n    matrix: {a: ["\${params.v}"], b: [1]}\n` },
    expect: `is ${MAX_NAME_LENGTH + 4} characters long, above the limit of ${MAX_NAME_LENGTH}`,
  },
];

const valueCases: Array<BadInput<Input>> = [
  {
    name: 'NaN parameter (.nan), which JSON keys cannot hold',
    input: { text: `${head}nodes:\n  a:\n    uses: util/echo\n    with: {n: .nan}\n` },
    expect: 'test.yaml:6:15: node `a` (util/echo): `with.n` is number .nan: a parameter must be a finite number',
  },
  {
    name: 'infinite parameter through --set',
    input: { text: `${head}params:\n  x: 1.5\nnodes:\n  a:\n    uses: util/echo\n    with: {value: {deep: ["\${params.x}"]}}\n`, sets: ['x=-.inf'] },
    expect: '`with.value.deep.0` is number -.inf: a parameter must be a finite number',
  },
  {
    name: 'a list as a map key',
    input: { text: `${head}nodes:\n  a:\n    uses: util/echo\n    with: {value: {? [x, y] : 1}}\n` },
    expect: 'test.yaml:6:22: a map key must be a plain value, not a list',
  },
];

badInputTests('bad pipeline, YAML aliases', aliasCases, messages);
badInputTests('bad pipeline, values', valueCases, messages);
badInputTests('bad pipeline, prototype names', idCases, messages);
badInputTests('bad pipeline, name length', lengthCases, messages);

void test('honest YAML aliases still load: merges, aliases of aliases, anchors redefined', async () => {
  const many = Array.from({ length: 300 }, (_, i) => `  n${i}: {<<: *d, with: {value: ${i}}}`).join('\n');
  const text = `${head}x-d: &d {uses: util/echo}\nx-v: &v [1, 2]\nx-w: &w [*v, *v]\nx-v2: &v [3]\nnodes:\n  lst: {<<: *d, with: {value: [*w, *v]}}\n${many}\n`;
  const r = await loadText(text);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.graph!.nodes.size, 301);
  assert.deepEqual(r.graph!.nodes.get('lst')!.params.value, [[[1, 2], [1, 2]], [3]], 'an alias stands for the last anchor of its name before it');
});

void test('ids and names at the length limit load', async () => {
  const id = 'i'.repeat(MAX_NAME_LENGTH);
  const r = await loadText(`version: 1\nname: ${'p'.repeat(MAX_NAME_LENGTH)}\nnodes:\n  ${id}: {uses: util/echo}\n`);
  assert.deepEqual(r.diagnostics, []);
  assert.ok(r.graph!.nodes.has(id));
});

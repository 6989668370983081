import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../util/dsl-cli.js';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function tempPipeline(text: string): { dir: string; file: string } {
  const dir = temp('layerfuse-dsl-cli-');
  const file = join(dir, 'p.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

const good = `version: 1
name: hello
params:
  n: 3
nodes:
  make:
    uses: shell
    with: {run: "seq \${params.n} > nums.txt", outputs: [nums.txt]}
  show:
    uses: shell
    with: {run: cat nums.txt, after: ["\${make}"]}
`;

void test('validate: ok with the node count, exit 0', () => {
  const { dir } = tempPipeline(good);
  const r = runCli(['validate', 'p.yaml'], dir);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'ok: 2 nodes\n');
  assert.equal(r.code, 0);
});

void test('validate: diagnostics on stderr relative to cwd, exit 2', () => {
  const { dir } = tempPipeline(good.replace('uses: shell\n    with: {run: cat', 'uses: shel\n    with: {run: cat'));
  const r = runCli(['validate', 'p.yaml', '--set', 'n=x'], dir);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    `p.yaml:4:6: error: --set n=x: param \`n\` is integer, got string "x"
      n: 3
         ^
p.yaml:10:11: error: node \`show\`: unknown node type \`shel\`; did you mean \`shell\`?
        uses: shel
              ^~~~
2 errors in p.yaml
`,
  );
});

void test('validate: usage errors exit 2', () => {
  const r = runCli(['validate', '--bogus', 'x.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^layerfuse validate: Unknown option '--bogus'/);
});

void test('dag: mermaid by default, dot on request, bad format exits 2', () => {
  const { dir } = tempPipeline(good);
  const m = runCli(['dag', 'p.yaml'], dir);
  assert.equal(m.code, 0);
  assert.match(m.stdout, /^flowchart LR\n/);
  assert.match(m.stdout, /n0 -->\|"files → after"\| n1/);
  const d = runCli(['dag', 'p.yaml', '--format', 'dot'], dir);
  assert.equal(d.code, 0);
  assert.match(d.stdout, /"make" -> "show"/);
});

void test('nodes: catalogue and one type from schemas/', () => {
  const all = runCli(['nodes']);
  assert.equal(all.code, 0);
  assert.match(all.stdout, /^shell {2}/m);
  const one = runCli(['nodes', 'shell']);
  assert.equal(one.code, 0);
  assert.match(one.stdout, /^params:\n {2}run: string \(required\)/m);
  assert.match(one.stdout, /^outputs:\n {2}files: files \(default\)/m);
  const bad = runCli(['nodes', 'shel']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown node type `shel`; did you mean `shell`\?/);
});

void test('schema --write regenerates into --dir, removing stale files; --check then passes; plain prints it', () => {
  const dir = temp('layerfuse-dsl-schema-');
  writeFileSync(join(dir, 'stale.json'), '{}');
  const w = runCli(['schema', '--write', '--dir', dir]);
  assert.equal(w.code, 0, w.stderr);
  assert.equal(existsSync(join(dir, 'stale.json')), false);
  const c = runCli(['schema', '--check', '--dir', dir]);
  assert.equal(c.code, 0, c.stderr);
  const s = runCli(['schema']);
  assert.equal(s.code, 0);
  assert.equal(s.stdout, readFileSync(join(dir, 'pipeline.schema.json'), 'utf8'));
});

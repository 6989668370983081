/**
 * Issue 8, data loss: a shell node's outputs are deleted before its command runs, and cached
 * outputs are restored on a hit, so every path it writes or deletes must stay inside the
 * pipeline folder: refused at validate time with a position, and again at run time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostics } from '../../src/dsl/index.js';
import { loadPipeline } from '../../src/load-pipeline.js';
import { runCli } from '../util/dsl-cli.js';
import { makeRig, statuses } from '../util/exec-rig.js';

async function sandbox(t: { after(fn: () => Promise<void>): void }): Promise<{ top: string; dir: string }> {
  const top = await mkdtemp(join(tmpdir(), 'layerfuse-paths-'));
  t.after(() => rm(top, { recursive: true, force: true }));
  const dir = join(top, 'a', 'b', 'pipe');
  await mkdir(dir, { recursive: true });
  await mkdir(join(top, 'a', 'outside'), { recursive: true });
  await writeFile(join(top, 'a', 'outside', 'precious.txt'), 'precious\n');
  return { top, dir };
}

void test('validate: outputs, inputs, publish and cwd outside the pipeline folder are located errors (exit 2)', async (t) => {
  const { dir } = await sandbox(t);
  await writeFile(
    join(dir, 'p.yaml'),
    `version: 1
name: p
nodes:
  a:
    uses: shell
    with:
      run: echo hi
      outputs: ["../../outside/precious.txt", ".", "", "..", "ok/../../x", "/etc/x", good.txt]
  b:
    uses: shell
    with:
      run: echo hi
      inputs: ["../*.csv"]
      outputs: [out.txt]
      publish: [../out.txt, other.txt]
      cwd: ..
`,
  );
  const r = runCli(['validate', 'p.yaml'], dir);
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('p.yaml:'));
  assert.deepEqual(lines, [
    "p.yaml:8:17: error: node `a` (shell): output '../../outside/precious.txt' leads out of the pipeline folder (it normalises to '../../outside/precious.txt'); outputs must stay inside the pipeline folder",
    "p.yaml:8:47: error: node `a` (shell): output '.' names the pipeline folder itself; outputs must stay inside the pipeline folder",
    "p.yaml:8:52: error: node `a` (shell): output '' is empty: it would name the pipeline folder itself; outputs must stay inside the pipeline folder",
    "p.yaml:8:56: error: node `a` (shell): output '..' leads out of the pipeline folder (it normalises to '..'); outputs must stay inside the pipeline folder",
    "p.yaml:8:62: error: node `a` (shell): output 'ok/../../x' leads out of the pipeline folder (it normalises to '../x'); outputs must stay inside the pipeline folder",
    "p.yaml:8:76: error: node `a` (shell): output '/etc/x' must be relative to the pipeline folder, not absolute; outputs must stay inside the pipeline folder",
    "p.yaml:13:16: error: node `b` (shell): input '../*.csv' leads out of the pipeline folder (it normalises to '../*.csv'); inputs must stay inside the pipeline folder",
    "p.yaml:15:17: error: node `b` (shell): published path '../out.txt' leads out of the pipeline folder (it normalises to '../out.txt'); published paths must stay inside the pipeline folder",
    "p.yaml:15:29: error: node `b` (shell): published path 'other.txt' is not among its declared outputs (out.txt)",
    "p.yaml:16:12: error: node `b` (shell): cwd '..' leads out of the pipeline folder (it normalises to '..'); the command runs inside the pipeline folder",
  ]);
  assert.doesNotMatch(r.stderr, /at .*\.js/, 'no stack trace');
  const run = runCli(['run', 'p.yaml'], dir);
  assert.equal(run.code, 2, 'run refuses it before anything runs');
  assert.equal(await readFile(join(dir, '..', '..', 'outside', 'precious.txt'), 'utf8'), 'precious\n');
  assert.ok(existsSync(join(dir, 'p.yaml')), 'the pipeline folder and its YAML are still there');
});

void test('validate: a path through a symbolic link out of the folder is an error; a link inside is fine', async (t) => {
  const { top, dir } = await sandbox(t);
  await symlink('../../outside', join(dir, 'out'));
  await mkdir(join(dir, 'real'));
  await symlink('real', join(dir, 'inside'));
  const text = `version: 1
name: p
nodes:
  a:
    uses: shell
    with: {run: echo hi, outputs: [out/f.txt, inside/g.txt], cwd: out}
`;
  await writeFile(join(dir, 'p.yaml'), text);
  const r = await loadPipeline(join(dir, 'p.yaml'));
  assert.equal(r.graph, undefined);
  const shown = formatDiagnostics(r.diagnostics, r.sources);
  assert.match(shown, /p\.yaml:6:36: error: node `a` \(shell\): output 'out\/f\.txt' leaves the pipeline folder: 'out' is a symbolic link to .*outside, outside /);
  assert.match(shown, /p\.yaml:6:67: error: node `a` \(shell\): cwd 'out' leaves the pipeline folder/);
  assert.equal(r.diagnostics.length, 2, shown);
  assert.ok(existsSync(join(top, 'a', 'outside', 'precious.txt')));
});

void test('run: a graph built in code with escaping outputs fails the node and deletes nothing', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const pipeDir = join(rig.dir, 'x', 'pipe');
  await mkdir(join(rig.dir, 'outside'), { recursive: true });
  await mkdir(pipeDir, { recursive: true });
  await writeFile(join(rig.dir, 'outside', 'precious.txt'), 'precious\n');
  await writeFile(join(pipeDir, 'p.yaml'), 'version: 1\n');
  for (const out of ['../../outside/precious.txt', '.', '', '..']) {
    const g = rig.graph({ n: { type: 'shell', params: { run: 'true', outputs: [out] } } });
    const s = await rig.run({ ...g, dir: pipeDir, file: join(pipeDir, 'p.yaml') });
    assert.equal(statuses(s).n, 'failed', out);
    assert.match(s.failures[0]?.message ?? '', /^node n: output '.*' (leads out of|names the pipeline folder|is empty)/);
  }
  assert.equal(await readFile(join(rig.dir, 'outside', 'precious.txt'), 'utf8'), 'precious\n');
  assert.ok(existsSync(join(pipeDir, 'p.yaml')));
});

void test('a cache hit never restores through a symlinked folder that leaves the pipeline folder', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const pipeDir = join(rig.dir, 'pipe');
  await mkdir(pipeDir);
  const g = { ...rig.graph({ gen: { type: 'shell', params: { run: 'mkdir -p out && echo 1 > out/f.txt', outputs: ['out/f.txt'] } } }), dir: pipeDir, file: join(pipeDir, 'p.yaml') };
  assert.equal((await rig.run(g)).ok, true);
  await rm(join(pipeDir, 'out'), { recursive: true });
  await mkdir(join(rig.dir, 'elsewhere'));
  await symlink('../elsewhere', join(pipeDir, 'out'));
  const s = await rig.run(g);
  assert.equal(statuses(s).gen, 'failed');
  assert.match(s.failures[0]?.message ?? '', /^node gen: restoring its outputs: refusing to write .*pipe\/out\/f\.txt: 'out' is a symbolic link to .*elsewhere, outside /);
  assert.equal(existsSync(join(rig.dir, 'elsewhere', 'f.txt')), false, 'nothing written through the link');
});

void test('results: a node folder replaced by a link out of results/ is neither written nor cleaned', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const g = rig.graph({ rep: { type: 'shell', params: { run: 'echo r > r.md', outputs: ['r.md'], publish: ['r.md'] } } }, 'site');
  assert.equal((await rig.run(g)).ok, true);
  const nodeDir = join(rig.dir, 'results', 'site', 'rep');
  await rm(nodeDir, { recursive: true });
  await mkdir(join(rig.dir, 'mine'));
  await writeFile(join(rig.dir, 'mine', 'keep.txt'), 'mine\n');
  await symlink('../../mine', nodeDir);
  const s = await rig.run(g);
  assert.equal(statuses(s).rep, 'failed');
  assert.match(s.failures[0]?.message ?? '', /^node rep: results: refusing to write .*: 'site\/rep' is a symbolic link to .*mine, outside /);
  assert.equal(await readFile(join(rig.dir, 'mine', 'keep.txt'), 'utf8'), 'mine\n', 'stale-file cleanup did not reach through the link');
  assert.equal(existsSync(join(rig.dir, 'mine', 'r.md')), false);
});

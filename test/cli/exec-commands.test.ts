import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli, startCli } from '../util/exec-cli.js';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const lines = async (path: string) => (await readFile(path, 'utf8').catch(() => '')).split('\n').filter(Boolean);

async function waitFor(path: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!existsSync(path)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${path}`);
    await sleep(25);
  }
}

void test('SIGKILL mid-run: cache verify passes and the rerun continues from what finished', async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'p.yaml'),
    `version: 1
name: killed
nodes:
  a:
    uses: shell
    with:
      run: echo a >> runs.log && echo a > a.txt
      outputs: [a.txt]
  b:
    uses: shell
    with:
      run: echo b >> runs.log; if [ ! -f b-started ]; then touch b-started; sleep 30; fi; echo b > b.txt
      outputs: [b.txt]
      after: ["\${a}"]
`,
  );
  const { child, done } = startCli(dir, ['run', 'p.yaml', '-j', '1']);
  await waitFor(join(dir, 'b-started'));
  process.kill(-(child.pid as number), 'SIGKILL');
  const killed = await done;
  assert.equal(killed.signal, 'SIGKILL');
  const verify = await cli(dir, ['cache', 'verify']);
  assert.equal(verify.code, 0, verify.stderr);
  assert.match(verify.stdout, /^ok: /);
  const plan = await cli(dir, ['plan', 'p.yaml']);
  assert.match(plan.stdout, /^cached a\s*$/m);
  assert.match(plan.stdout, /^run {4}b +new$/m);
  const rerun = await cli(dir, ['run', 'p.yaml']);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stderr, /done: 1 ran, 1 cached/);
  assert.deepEqual(await lines(join(dir, 'runs.log')), ['a', 'b', 'b'], 'a ran once; b ran again after the kill');
  assert.equal(await readFile(join(dir, 'b.txt'), 'utf8'), 'b\n');
});

void test('SIGKILL of the run also stops the shell command it had started (watchdog in its process group)', async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'p.yaml'),
    `version: 1
name: orphan
nodes:
  long:
    uses: shell
    with:
      run: echo $$ > cmd.pid; exec sleep 60
`,
  );
  const { child, done } = startCli(dir, ['run', 'p.yaml']);
  await waitFor(join(dir, 'cmd.pid'));
  let pid = Number.NaN;
  while (!(pid > 0)) pid = Number((await readFile(join(dir, 'cmd.pid'), 'utf8')).trim());
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  assert.ok(alive(), 'the command runs');
  process.kill(-(child.pid as number), 'SIGKILL');
  assert.equal((await done).signal, 'SIGKILL');
  // The watchdog polls every second; give it a generous margin on a loaded machine.
  const end = Date.now() + 15_000;
  while (alive() && Date.now() < end) await sleep(100);
  assert.equal(alive(), false, 'the orphaned command was stopped');
});

void test('two CLI runs on one cache at once: the node runs once', async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'p.yaml'),
    `version: 1
name: twice
nodes:
  slow:
    uses: shell
    with:
      run: sleep 1; echo ran >> runs.log; echo done > slow.txt
      outputs: [slow.txt]
`,
  );
  const [x, y] = await Promise.all([cli(dir, ['run', 'p.yaml']), cli(dir, ['run', 'p.yaml'])]);
  assert.equal(x.code, 0, x.stderr);
  assert.equal(y.code, 0, y.stderr);
  assert.deepEqual(await lines(join(dir, 'runs.log')), ['ran']);
  assert.deepEqual([x.stderr, y.stderr].map((s) => /1 ran/.test(s)).sort(), [false, true]);
});

void test('exit codes and the failure summary: node, error, log file; 2 for invalid pipelines and usage', async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'p.yaml'),
    `version: 1
name: failing
nodes:
  bad:
    uses: shell
    with:
      run: echo "no such thing" >&2; exit 7
  fine:
    uses: shell
    with:
      run: "true"
  after:
    uses: shell
    with:
      run: "true"
      after: ["\${bad}"]
`,
  );
  const r = await cli(dir, ['run', 'p.yaml', '--keep-going', '-j', '1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /failed: 1 ran, 0 cached, 1 failed, 1 skipped/);
  assert.match(r.stderr, /\nfailed: bad\n {2}command exited with code 7; last output:\n {4}no such thing\n {2}log: cache\/logs\/bad\.[0-9a-f]{12}\.log\n/);
  const logPath = /log: (\S+)/.exec(r.stderr)?.[1] as string;
  assert.match(await readFile(join(dir, logPath), 'utf8'), /no such thing/);
  await writeFile(join(dir, 'bad.yaml'), 'version: 1\nname: x\nnodes:\n  a:\n    uses: shel\n');
  assert.equal((await cli(dir, ['run', 'bad.yaml'])).code, 2);
  assert.equal((await cli(dir, ['run', 'p.yaml', '-j', '0'])).code, 2);
  assert.equal((await cli(dir, ['run', 'p.yaml', '--only', 'nope'])).code, 2);
});

void test('plan, explain, show and cache ls/gc on a small pipeline', async (t) => {
  const dir = await tempDir(t);
  const pipeline = (n: number) => `version: 1
name: small
params:
  n: ${n}
nodes:
  gen:
    uses: shell
    with:
      run: >-
        printf '{"n": \${params.n}}\\n{"n": 2}\\n' > rows.jsonl
      outputs: [rows.jsonl]
  use:
    uses: shell
    with:
      run: wc -l < rows.jsonl > count.txt
      data: ["\${gen}"]
      outputs: [count.txt]
`;
  await writeFile(join(dir, 'p.yaml'), pipeline(1));
  const first = await cli(dir, ['plan', 'p.yaml']);
  assert.equal(first.stdout, 'run    gen  new\nrun    use  new\n\n0 cached, 2 to run\n');
  assert.equal((await cli(dir, ['run', 'p.yaml'])).code, 0);
  assert.equal((await cli(dir, ['plan', 'p.yaml'])).stdout, 'cached gen\ncached use\n\n2 cached, 0 to run\n');
  const changed = await cli(dir, ['plan', 'p.yaml', '--set', 'n=5', '--json']);
  const entries = JSON.parse(changed.stdout) as Array<{ id: string; action: string; reasons: string[] }>;
  assert.deepEqual(entries.map((e) => [e.id, e.action, e.reasons]), [
    ['gen', 'run', ['params changed: with.run']],
    ['use', 'run', ['upstream runs: gen']],
  ]);
  const explain = await cli(dir, ['explain', 'p.yaml', 'use']);
  assert.match(explain.stdout, /^node use \(shell\)\nkey {2}[0-9a-f]{64}\nstatus {2}cached\n\nkey components:\n/);
  assert.match(explain.stdout, /"typeVersion": 2/);
  const show = await cli(dir, ['show', 'p.yaml', 'gen', '--json']);
  assert.equal(show.code, 0, show.stderr);
  const shown = JSON.parse(show.stdout) as { outputs: { files: { contents: Record<string, unknown> } } };
  assert.deepEqual(shown.outputs.files.contents, { '/files/rows.jsonl': [{ n: 1 }, { n: 2 }] });
  const showText = await cli(dir, ['show', 'p.yaml', 'use']);
  assert.match(showText.stdout, /output files \(files\) digest [0-9a-f]{64}/);
  assert.match(showText.stdout, /runs:\n {2}\S+ {2}\d+\.\d\d s {2}in-process pid \d+/);
  const ls = await cli(dir, ['cache', 'ls']);
  assert.match(ls.stdout, /2 entries, \d+ objects/);
  // gc keeping this pipeline's lock file: nothing referenced goes.
  const gc = await cli(dir, ['cache', 'gc', '--keep', 'p.yaml', '--keep-days', '0']);
  assert.match(gc.stdout, /removed 0 entries/);
  assert.equal((await cli(dir, ['plan', 'p.yaml'])).stdout.endsWith('2 cached, 0 to run\n'), true);
  assert.equal((await cli(dir, ['cache', 'gc'])).code, 2, 'gc needs to be told what to keep');
});

void test('Ctrl-C (SIGINT): the running command is stopped, locks released, exit 130, cache consistent', async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'p.yaml'),
    `version: 1
name: interrupted
nodes:
  long:
    uses: shell
    with:
      run: echo $$ > shell.pid; sleep 30; touch finished
`,
  );
  const { child, done } = startCli(dir, ['run', 'p.yaml']);
  await waitFor(join(dir, 'shell.pid'));
  await sleep(100);
  process.kill(child.pid as number, 'SIGINT');
  const r = await done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted: 0 ran, 0 cached, 1 cancelled/);
  const shellPid = Number((await readFile(join(dir, 'shell.pid'), 'utf8')).trim());
  assert.throws(() => process.kill(shellPid, 0), /ESRCH/, 'the command was stopped');
  const { readdir } = await import('node:fs/promises');
  assert.deepEqual((await readdir(join(dir, 'cache', 'locks'))).filter((f) => f.endsWith('.lock')), []);
  assert.equal((await cli(dir, ['cache', 'verify'])).code, 0);
});

void test('plan and a warm rerun load no tensor library and no node run body (declarations only)', async (t) => {
  const dir = await tempDir(t);
  const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ text: `${['red apple', 'blue sea', 'green tree'][i % 3]} ${i}`, label: i % 3 }));
  await writeFile(join(dir, 'd.jsonl'), rows.join('\n') + '\n');
  await writeFile(
    join(dir, 'p.yaml'),
    `version: 1
name: warm
nodes:
  a:
    uses: shell
    with:
      run: echo hi > a.txt
      outputs: [a.txt]
  data:
    uses: dataset/jsonl
    with:
      path: d.jsonl
      calibration: 3
  tok:
    uses: tokenizer/wordpiece
    with:
      data: \${data}
      vocab_size: 40
`,
  );
  // Records every module the process resolves that is a tensor library or a node family's run module.
  await writeFile(
    join(dir, 'hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); if (/@tensorflow|\\/nodes\\/run\\//.test(r.url)) appendFileSync(process.env.LF_TRACE, r.url + '\\n'); return r; }\n",
  );
  await writeFile(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
  const trace = join(dir, 'trace.txt');
  const env = { ...process.env, LF_TRACE: trace, NODE_OPTIONS: `--import ${join(dir, 'register.mjs')}` };
  const cold = await cli(dir, ['run', 'p.yaml'], env);
  assert.equal(cold.code, 0, cold.stderr);
  assert.match(await readFile(trace, 'utf8'), /\/nodes\/run\/shell\.js/, 'the trace sees run modules when they load');
  await rm(trace);
  const plan = await cli(dir, ['plan', 'p.yaml'], env);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /3 cached, 0 to run/);
  const warm = await cli(dir, ['run', 'p.yaml'], env);
  assert.equal(warm.code, 0, warm.stderr);
  assert.match(warm.stderr, /done: 0 ran, 3 cached/);
  assert.equal(await readFile(trace, 'utf8').catch(() => ''), '', 'no @tensorflow module and no nodes/run module was resolved');
});

void test('run-node PIPELINE NODE: runs one node whose dependencies are cached, else says which to run first', async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'p.yaml'),
    `version: 1
name: by-hand
nodes:
  a:
    uses: shell
    with:
      run: echo a >> runs.log; echo a > a.txt
      outputs: [a.txt]
  b:
    uses: shell
    with:
      run: echo b >> runs.log; cat a.txt > b.txt; echo b >> b.txt
      data: \${a}
      outputs: [b.txt]
`,
  );
  const early = await cli(dir, ['run-node', 'p.yaml', 'b']);
  assert.equal(early.code, 2);
  assert.equal(early.stderr, 'layerfuse run-node: b depends on a node not in the cache, and run-node runs one node:\n  a: new\nrun it first: layerfuse run p.yaml --only a\n');
  assert.equal((await cli(dir, ['run-node', 'p.yaml', 'a'])).code, 0);
  await rm(join(dir, 'a.txt'));
  const b = await cli(dir, ['run-node', 'p.yaml', 'b']);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stderr, /done: 1 ran, 1 cached/);
  assert.equal(await readFile(join(dir, 'b.txt'), 'utf8'), 'a\nb\n', "a's output was restored before b ran");
  assert.match((await cli(dir, ['run-node', 'p.yaml', 'b'])).stderr, /done: 0 ran, 2 cached/);
  assert.match((await cli(dir, ['run-node', 'p.yaml', 'b', '--force'])).stderr, /done: 1 ran, 1 cached/);
  assert.deepEqual(await lines(join(dir, 'runs.log')), ['a', 'b', 'b']);
  assert.match((await cli(dir, ['plan', 'p.yaml'])).stdout, /2 cached, 0 to run/, 'run-node records its node in the lock file and the cache');
  const missing = await cli(dir, ['run-node', 'p.yaml', 'c']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no node `c` in p.yaml/);
});

void test('an unusable --cache-dir is one line and exit 2, not a stack or a failed node', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'p.yaml'), 'version: 1\nname: c\nnodes:\n  a:\n    uses: shell\n    with:\n      run: "true"\n');
  await writeFile(join(dir, 'afile'), '');
  const r = await cli(dir, ['run', 'p.yaml', '--cache-dir', 'afile']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `layerfuse run: the cache ${join(dir, 'afile')} is not a folder (--cache-dir names the cache folder)\n`);
  const under = await cli(dir, ['run', 'p.yaml', '--cache-dir', 'afile/cache']);
  assert.equal(under.code, 2);
  assert.match(under.stderr, /^layerfuse run: cannot write to the cache .*afile\/cache: a parent is not a folder \(ENOTDIR\); pass --cache-dir DIR to use another folder\n$/);
});

void test('output cut short by a closed pipe (`layerfuse schema | head`) ends quietly', async (t) => {
  const dir = await tempDir(t);
  const { child, done } = startCli(dir, ['schema']);
  child.stdout?.once('data', () => child.stdout?.destroy());
  const r = await done;
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /EPIPE|Error/);
});

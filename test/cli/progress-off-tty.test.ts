/**
 * Issue 13: off a terminal (CI, `| tee`), a long node is not silent between `run` and `ok`. A
 * shell step of about 20 s reporting its progress (`::progress DONE/TOTAL message`), run through
 * the CLI with stderr a pipe: a progress line for it appears between the two. Only the line's
 * presence is asserted, never its timing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../util/exec-cli.js';

void test('non-TTY output has a progress line during a 20 s node', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-progress-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(
    join(dir, 'p.yaml'),
    `version: 1
name: slow
nodes:
  slow:
    uses: shell
    with:
      run: for i in $(seq 1 20); do sleep 1; echo "::progress $i/20 step $i of 20"; done
`,
  );
  const r = await cli(dir, ['run', 'p.yaml']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.split('\n');
  const start = lines.indexOf('run       slow');
  const end = lines.findIndex((l) => l.startsWith('ok        slow'));
  assert.ok(start >= 0 && end > start, r.stderr);
  const between = lines.slice(start + 1, end);
  assert.ok(
    between.some((l) => /^progress {2}slow: \d+\/20 \(\d+%\) step \d+ of 20, \d+ s elapsed(, ETA \d+ s)?$/.test(l)),
    `a progress line between run and ok:\n${r.stderr}`,
  );
  assert.doesNotMatch(r.stderr, /::progress/, 'the protocol lines are not echoed');
});

import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDiagnostics } from '../../src/dsl/index.js';
import { defaultSlurmProfile, loadSlurmProfile, parseSlurmProfileText, userProfilePath } from '../../src/dsl/slurm-profile.js';

const FILE = '/work/profiles/slurm.yaml';

function problems(text: string): string {
  const r = parseSlurmProfileText(FILE, text);
  assert.equal(r.profile, undefined, 'no profile when there is an error');
  return formatDiagnostics(r.diagnostics, r.sources);
}

void test('a full profile reads with its units parsed', () => {
  const r = parseSlurmProfileText(
    FILE,
    `partition: cpu
gpu_partition: gpu
account: lab
qos: long
max_jobs: 20
poll: 2          # seconds
gres: gpu:a100
defaults: {cpus: 2, mem: 4G, time: 30m}
sbatch: [--exclude=n1]
setup: |
  module load nodejs/20
node: /shared/sw/node-20/bin/node
retries: 2
retry: {mem: x2}
`,
  );
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.profile, {
    file: FILE,
    partition: 'cpu',
    gpuPartition: 'gpu',
    account: 'lab',
    qos: 'long',
    maxJobs: 20,
    pollMs: 2000,
    gres: 'gpu:a100',
    defaults: { cpus: 2, memMib: 4096, timeSeconds: 1800 },
    sbatch: ['--exclude=n1'],
    setup: 'module load nodejs/20\n',
    node: '/shared/sw/node-20/bin/node',
    retries: 2,
    retry: { mem: 2, time: 1 },
  });
});

void test('an empty profile is every default', () => {
  assert.deepEqual(parseSlurmProfileText(FILE, '# nothing yet\n').profile, { ...defaultSlurmProfile(), file: FILE });
});

void test('every problem is reported at once, located, with "did you mean"', () => {
  assert.equal(
    problems(`acount: lab
max_jobs: 0
poll: soon
defaults: {mem: 16Q, time: 2h}
sbatch: [--constraint=a100, exclusive]
retry: {mem: x0.5}
`),
    [
      `${FILE}:1:1: error: unknown key \`acount\` at the top level; did you mean \`account\`?`,
      '    acount: lab',
      '    ^~~~~~',
      `${FILE}:2:11: error: \`max_jobs\` must be >= 1, got integer 0`,
      '    max_jobs: 0',
      '              ^',
      `${FILE}:3:7: error: \`poll\` must be a duration such as 2h, 30m, 1h30m, 1d or 02:00:00, greater than 0, got "soon"`,
      '    poll: soon',
      '          ^~~~',
      `${FILE}:4:17: error: \`defaults.mem\` must be a size such as 16G, 512M or 2048 (MiB), got "16Q"`,
      '    defaults: {mem: 16Q, time: 2h}',
      '                    ^~~',
      `${FILE}:5:29: error: each \`sbatch\` entry is one option, starting with \`-\` (e.g. --constraint=a100)`,
      '    sbatch: [--constraint=a100, exclusive]',
      '                                ^~~~~~~~~',
      `${FILE}:6:14: error: \`retry.mem\` must be a factor such as x2 or 1.5 (at least 1), got "x0.5"`,
      '    retry: {mem: x0.5}',
      '                 ^~~~',
      '',
    ].join('\n'),
  );
  assert.match(problems('- a\n'), /a Slurm profile is a map/);
  assert.match(problems('partition: [a\n'), /YAML: /);
});

void test('loading: a named file must exist; the user profile is optional', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lf-profile-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const missing = await loadSlurmProfile(join(dir, 'nope.yaml'));
  assert.equal(missing.profile, undefined);
  assert.match(missing.diagnostics[0]!.message, /cannot read the Slurm profile: no such file/);
  const env = { XDG_CONFIG_HOME: dir };
  assert.deepEqual((await loadSlurmProfile(undefined, env)).profile, defaultSlurmProfile(), 'no user profile: defaults');
  assert.equal(userProfilePath(env), join(dir, 'layerfuse', 'slurm.yaml'));
  await mkdir(join(dir, 'layerfuse'));
  await writeFile(userProfilePath(env), 'partition: short\n');
  assert.equal((await loadSlurmProfile(undefined, env)).profile?.partition, 'short');
});

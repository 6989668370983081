import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bar, statusLine } from '../../src/cli/progress.js';
import { summaryText } from '../../src/cli/commands/run.js';
import type { RunSummary } from '../../src/executor/executor.js';

void test('plain progress lines: one per status change that people read', () => {
  const e = (status: 'running' | 'succeeded' | 'failed' | 'cached' | 'ready' | 'skipped', extra = {}) =>
    statusLine({ kind: 'status', node: 'train', status, previous: 'pending', ...extra });
  assert.equal(e('ready'), undefined);
  assert.equal(e('running', { worker: true }), 'run       train (worker)');
  assert.equal(e('succeeded', { durationMs: 1234 }), 'ok        train (1.2 s)');
  assert.equal(e('cached'), 'cached    train');
  assert.equal(e('failed', { message: 'node train: boom\nmore' }), 'FAILED    train: boom');
  assert.equal(e('failed', { message: 'node train: command exited with code 3; last output:\n  oops' }), 'FAILED    train: command exited with code 3');
  assert.equal(e('skipped', { message: 'upstream data failed' }), 'skipped   train (upstream data failed)');
  assert.equal(bar({ done: 5, total: 10 }, 10), '[#####-----]  50%');
  assert.equal(bar({ done: 0, total: 0 }, 4), '[----]   0%');
});

void test('run summary names each failed node, its error and its log', () => {
  const s: RunSummary = {
    ok: false,
    interrupted: false,
    nodes: new Map(),
    counts: { pending: 0, ready: 0, running: 0, cached: 3, succeeded: 1, failed: 1, skipped: 2, cancelled: 0 },
    failures: [{ id: 'train', status: 'failed', message: 'node train: loss is NaN at step 12', logFile: '/nowhere/train.abc.log' }],
  };
  assert.equal(
    summaryText(s, 2500),
    'failed: 1 ran, 3 cached, 1 failed, 2 skipped in 2.5 s\n\nfailed: train\n  loss is NaN at step 12\n  log: /nowhere/train.abc.log\n',
  );
});

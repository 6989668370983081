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
    warnings: [],
  };
  assert.equal(
    summaryText(s, 2500),
    'failed: 1 ran, 3 cached, 1 failed, 2 skipped in 2.5 s\n\nfailed: train\n  loss is NaN at step 12\n  log: /nowhere/train.abc.log\n',
  );
});

void test('off a terminal, a running node gets a progress line every 10 s and at each new epoch, with elapsed time and ETA', async () => {
  const { PlainProgress } = await import('../../src/cli/progress.js');
  let now = 0;
  const out: string[] = [];
  const log = new PlainProgress({ now: () => now, write: (t) => out.push(t.trimEnd()), timer: false });
  log.onEvent({ kind: 'start', pipeline: 'p', nodes: ['train', 'quiet'] });
  log.onEvent({ kind: 'status', node: 'train', status: 'running', previous: 'ready', worker: true });
  log.onEvent({ kind: 'status', node: 'quiet', status: 'running', previous: 'ready' });
  for (let step = 1; step <= 25; step++) {
    now = step * 1000;
    log.onEvent({ kind: 'progress', node: 'train', progress: { done: step, total: 100, message: `epoch ${step <= 12 ? 1 : 2} loss 0.5` } });
    log.tick();
  }
  assert.deepEqual(out, [
    'run       train (worker)',
    'run       quiet',
    'progress  train: 10/100 (10%) epoch 1 loss 0.5, 10 s elapsed, ETA 1 min 30 s',
    'progress  quiet: running, 10 s elapsed',
    'progress  train: 13/100 (13%) epoch 2 loss 0.5, 13 s elapsed, ETA 1 min 27 s',
    'progress  quiet: running, 20 s elapsed',
    'progress  train: 23/100 (23%) epoch 2 loss 0.5, 23 s elapsed, ETA 1 min 17 s',
  ]);
  log.onEvent({ kind: 'status', node: 'train', status: 'succeeded', previous: 'running', durationMs: 25_000 });
  now = 60_000;
  log.tick();
  assert.equal(out.at(-2), 'ok        train (25.0 s)');
  assert.equal(out.at(-1), 'progress  quiet: running, 1 min 00 s elapsed', 'a finished node gets no more lines');
});

void test('run summary lists every warning at the end, naming its node', () => {
  const s: RunSummary = {
    ok: true,
    interrupted: false,
    nodes: new Map(),
    counts: { pending: 0, ready: 0, running: 0, cached: 1, succeeded: 2, failed: 0, skipped: 0, cancelled: 0 },
    failures: [],
    warnings: [
      { node: 'base', message: 'the trained model has validation accuracy 0.2500, at or below always predicting the majority class' },
      { node: 'distill', message: 'two\nlines' },
    ],
  };
  assert.equal(
    summaryText(s, 1000),
    'done: 2 ran, 1 cached in 1.0 s\n\nwarnings:\n  base: the trained model has validation accuracy 0.2500, at or below always predicting the majority class\n  distill: two\n    lines\n',
  );
});

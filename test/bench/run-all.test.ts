import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE_BENCHES, summaryTable, verdictOf } from '../../bench/run-all.js';

void test('bench run-all: verdicts read from what a bench prints, and the summary table', () => {
  assert.equal(verdictOf('no-op rerun: 1.2 s (target < 3 s) ok; cold 9 s'), 'ok');
  assert.equal(verdictOf('a: 1 s ok\nb: 5 s (target < 3 s) MISSED'), 'MISSED');
  assert.equal(verdictOf('shell 2000 nodes cold 2.5 s target cold < 2 s: OVER'), 'MISSED');
  assert.equal(verdictOf('tokens/s 12000'), '-');
  assert.deepEqual(ENGINE_BENCHES, ['plan-2000', 'noop-rerun', 'parallel']);
  assert.equal(
    summaryTable([
      { name: 'plan-2000', status: '0', seconds: 10.44, verdict: 'ok' },
      { name: 'parallel', status: '1', seconds: 8, verdict: 'failed' },
    ]),
    'bench      exit  wall s  verdict\n---------  ----  ------  -------\nplan-2000  0       10.4  ok\nparallel   1        8.0  failed\n',
  );
});

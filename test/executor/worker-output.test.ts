/**
 * A serving worker's output split between jobs at the end marks, however the stream is cut
 * into chunks: every byte before a mark is the job's, the mark line is dropped, nothing is lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobOutputSplitter } from '../../src/executor/worker-output.js';
import { JOB_END_MARK } from '../../src/executor/worker-protocol.js';

/** Feed `chunks`; return the text of each job (a new one starts at each mark). */
function split(chunks: string[], end = true): string[] {
  const jobs = [''];
  const s = new JobOutputSplitter(
    (t) => (jobs[jobs.length - 1] += t),
    () => jobs.push(''),
  );
  for (const c of chunks) s.push(c);
  if (end) s.end();
  return jobs;
}

const stream = `first job line\nsecond \u0000 with a NUL\n${JOB_END_MARK}1\nnext job\n${JOB_END_MARK}2\ntrailing`;

void test('marks split the stream into jobs and are dropped', () => {
  assert.deepEqual(split([stream]), ['first job line\nsecond \u0000 with a NUL\n', 'next job\n', 'trailing']);
});

void test('the same jobs whatever the chunk boundaries (a mark split anywhere)', () => {
  const whole = split([stream]);
  for (let a = 1; a < stream.length; a++) {
    for (const b of [a + 1, a + 7, a + JOB_END_MARK.length]) {
      if (b >= stream.length) continue;
      assert.deepEqual(split([stream.slice(0, a), stream.slice(a, b), stream.slice(b)]), whole, `cut at ${a} and ${b}`);
    }
  }
  assert.deepEqual(split([...stream]), whole, 'one character at a time');
});

void test('a piece that only looks like the start of a mark is output once the stream ends or goes on', () => {
  assert.deepEqual(split(['abc\u0000layer']), ['abc\u0000layer']);
  assert.deepEqual(split(['abc\u0000layer', 'cake\n']), ['abc\u0000layercake\n']);
  // Held back until it is known not to be a mark: not yet output mid-stream.
  assert.deepEqual(split(['abc\u0000layer'], false), ['abc']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactDigest } from '../../src/artifacts/artifact.js';
import { makeMemoEntry, parseIndexRecord, parseMemoEntry } from '../../src/executor/records.js';

const KEY = 'a'.repeat(64);

function record(): Record<string, unknown> {
  const manifest = { accuracy: 0.9 };
  return {
    format: 1,
    key: KEY,
    node: 'eval',
    components: { keyVersion: 1, type: 'model/evaluate', typeVersion: 1, params: {}, inputs: {} },
    outputs: { evaluation: { type: 'evaluation', digest: artifactDigest('evaluation', manifest), manifest } },
    runs: [{ node: 'eval', startedAt: '2026-01-01T00:00:00Z', durationMs: 1, pid: 1, host: 'h', worker: false, facts: {} }],
  };
}

const problem = (text: string): string => {
  const r = parseIndexRecord(text, KEY);
  return 'problem' in r ? r.problem : 'ok';
};

void test('index records: valid JSON of the wrong shape is a problem, never a TypeError', () => {
  assert.equal(problem(JSON.stringify(record())), 'ok');
  assert.equal(problem('null'), 'holds null, not an index record');
  assert.equal(problem('[]'), 'holds a list, not an index record');
  assert.equal(problem('{"bogus":1}'), 'format undefined (expected 1)');
  assert.equal(problem('7'), 'holds a number, not an index record');
  assert.match(problem('{'), /^is not JSON/);
  assert.equal(problem(JSON.stringify({ ...record(), key: 'b'.repeat(64) })), `records key "${'b'.repeat(64)}", not its file name`);
  assert.equal(problem(JSON.stringify({ ...record(), outputs: null })), 'has no outputs');
  assert.equal(problem(JSON.stringify({ ...record(), outputs: { x: null } })), "output 'x' is malformed");
  assert.equal(problem(JSON.stringify({ ...record(), components: [] })), 'has malformed key components');
  assert.equal(problem(JSON.stringify({ ...record(), runs: [null] })), 'has a malformed run record');
  assert.equal(problem(JSON.stringify({ ...record(), log: { $blob: 'x' } })), 'has a malformed log reference');
});

void test('index records: an output manifest edited by hand no longer matches its digest', () => {
  const r = record();
  (r.outputs as { evaluation: { manifest: { accuracy: number } } }).evaluation.manifest.accuracy = 0.99;
  assert.equal(problem(JSON.stringify(r)), "output 'evaluation' does not match its digest (its manifest was changed after it was stored)");
});

void test('memo entries carry the digest of their value; an edited value or a missing digest is a problem', () => {
  const entry = makeMemoEntry({ accuracy: 0.9 });
  assert.deepEqual(parseMemoEntry(JSON.stringify(entry)), { ok: entry });
  const edited = { ...entry, value: { accuracy: 0.99 } };
  assert.deepEqual(parseMemoEntry(JSON.stringify(edited)), { problem: 'does not match its digest (its value was changed after it was stored)' });
  assert.deepEqual(parseMemoEntry('{"value":{"accuracy":0.9}}'), { problem: 'has no digest of its value (written by an older layerfuse)' });
  assert.deepEqual(parseMemoEntry('null'), { problem: 'holds null, not a memo entry' });
  assert.deepEqual(parseMemoEntry('[]'), { problem: 'holds a list, not a memo entry' });
});

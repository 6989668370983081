import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactDigest } from '../../src/artifacts/artifact.js';
import { canonicalJson, digestOf, prettyCanonicalJson } from '../../src/artifacts/canonical-json.js';

void test('artifact digests are content hashes of {type, manifest}', () => {
  assert.equal(artifactDigest('json', { a: 1, b: [1, 2] }), artifactDigest('json', { b: [1, 2], a: 1 }));
  assert.notEqual(artifactDigest('json', { a: 1 }), artifactDigest('scores', { a: 1 }));
  assert.notEqual(artifactDigest('json', { a: 1 }), artifactDigest('json', { a: 2 }));
});

void test('canonical JSON: sorted keys, no whitespace; rejects what JSON cannot hold faithfully', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1, y: undefined } }), '{"a":[true,null,"x"],"b":1,"c":{"z":1}}');
  assert.throws(() => canonicalJson({ x: Number.NaN }), /non-finite number at \$\.x/);
  assert.throws(() => canonicalJson({ d: new Date(0) }), /not a plain object at \$\.d/);
});

void test('digests and pretty JSON follow the canonical text', () => {
  assert.equal(digestOf({ b: 1, a: 2 }), digestOf({ a: 2, b: 1 }));
  assert.equal(prettyCanonicalJson({ b: 1, a: { d: 1, c: 2 } }), '{\n  "a": {\n    "c": 2,\n    "d": 1\n  },\n  "b": 1\n}\n');
});

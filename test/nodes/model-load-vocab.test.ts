/**
 * A tokenizer vocabulary and config.json's vocab_size: more tokens than embedding rows is an
 * error naming the node; fewer is allowed, as in Hugging Face (checkpoints may pad the
 * embedding matrix to a multiple of 8 or 64), with a warning in the node's log and run record.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExecContext } from '../../src/executor/node-context.js';
import { MemoryCache } from '../../src/executor/memory-cache.js';
import { initBackend } from '../../src/ml/backend.js';
import { exportCheckpoint } from '../../src/ml/checkpoint/index.js';
import { loadNode as loadNodeDecl } from '../../src/nodes/model.js';
import { smallModel, tempDir, writeVocab } from '../util/bert-checkpoint.js';
import { nodeType } from '../util/node-types.js';

const loadNode = nodeType(loadNodeDecl);

function context(dir: string): ExecContext {
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  return new ExecContext({ nodeId: 'load', pipelineDir: dir, tmpDir: tmp, backend: 'wasm', signal: new AbortController().signal, cache: new MemoryCache(), logFile: join(dir, 'log.txt') });
}

void test('model/load: a vocab.txt shorter than vocab_size loads with a warning; a longer one is an error', async () => {
  await initBackend('wasm');
  const t = tempDir();
  const model = smallModel(4); // vocab_size 30
  try {
    writeVocab(t.dir, 24);
    await exportCheckpoint(model, join(t.dir, 'short'), { tokenizer: [join(t.dir, 'vocab.txt')] });
    const ctx = context(t.dir);
    const out = await loadNode.run(ctx, { path: 'short' }, {});
    assert.ok(out.model);
    const warning = "the tokenizer has 24 tokens, fewer than config.json's vocab_size 30: embedding rows 24..29 are never used";
    assert.match(readFileSync(join(t.dir, 'log.txt'), 'utf8'), new RegExp(`warning: ${warning.replace(/[.()]/g, '\\$&')}`));
    assert.match((ctx.facts.warnings as string[])[0]!, new RegExp(`^${warning.replace(/[.()]/g, '\\$&')}`));

    writeVocab(t.dir, 40);
    await exportCheckpoint(model, join(t.dir, 'long'), { tokenizer: [join(t.dir, 'vocab.txt')] });
    await assert.rejects(loadNode.run(context(t.dir), { path: 'long' }, {}), /^NodeError: load: the tokenizer has 40 tokens but config\.json's vocab_size is 30$/);
  } finally {
    model.dispose();
    t.done();
  }
});

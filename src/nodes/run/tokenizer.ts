/** Run bodies of the tokenizer family. */
import { asDatasetManifest, readSplit } from '../../ml/data/index.js';
import { BertTokenizer, bertTokenizerJson, learnWordPiece, storeTokenizer, tokenizerFromFiles } from '../../ml/tokenizer/index.js';
import { implement } from '../family.js';
import { tokenizerFilesNode, wordpieceNode } from '../tokenizer.js';
import { pipelinePath } from './common.js';

export default [
  implement(wordpieceNode, async (ctx, p, inputs) => {
    const data = inputs.one('data', asDatasetManifest);
    const train = await readSplit(ctx, data, 'train');
    const learned = learnWordPiece(
      train.map((e) => e.text),
      {
        vocabSize: p.vocab_size,
        minFrequency: p.min_frequency,
        lowercase: p.lowercase,
        score: p.score,
        onProgress: (n, total) => ctx.progress({ done: n, total, message: 'learning vocabulary' }),
      },
    );
    ctx.log(`learned ${learned.vocab.length} tokens (${learned.alphabetSize} characters, ${learned.merges} merges) from ${train.length} train texts, ${learned.words} distinct words`);
    const tok = new BertTokenizer(bertTokenizerJson(learned.vocab, { lowercase: p.lowercase }), { maxLength: p.max_length, what: ctx.nodeId });
    return { tokenizer: await storeTokenizer(ctx, tok, { kind: 'wordpiece', split: 'train', trainDigest: data.splits.train.$blob, score: p.score }) };
  }),

  implement(tokenizerFilesNode, async (ctx, p) => {
    const abs = pipelinePath(ctx, p.path);
    const source = p.path.endsWith('.json') ? { tokenizerJson: abs } : p.path.endsWith('.txt') ? { vocabTxt: abs } : abs;
    const tok = await tokenizerFromFiles(source, { maxLength: p.max_length, ...(p.lowercase !== undefined ? { lowercase: p.lowercase } : {}) });
    return { tokenizer: await storeTokenizer(ctx, tok, { kind: 'files', path: p.path }) };
  }),
];

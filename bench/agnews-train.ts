/**
 * The end-to-end check: a 4-layer BERT classifier trained from scratch on AG News
 * (../shared/data/agnews, 7,600 rows, 4 classes), stratified 80/20 train/test with validation
 * carved from train, must reach at least 75% test accuracy. Runs the real nodes in process
 * (dataset/jsonl -> tokenizer/wordpiece -> model/train -> model/evaluate) through a node context
 * on an in-memory cache, and prints accuracy and wall time per stage.
 * Defaults are the tuned ones: WordPiece 5,000 tokens, max_length 32 (AG News titles and leads
 * carry the topic; 64 doubles the cost for little gain), 4 layers, hidden 128, 4 heads, FFN 512,
 * 3 epochs, batch 32, AdamW lr 1e-3 with 10% warmup, dropout 0.1, clip 1. Measured (WASM, one
 * core of a shared 2-core machine): 79.0% test accuracy with seed 42, 82.4% with seed 7 (the
 * seed also draws the split); 308-310 s wall for the whole chain, 295-298 s of it training
 * (513 steps).
 * Run: npm run build && node dist/bench/agnews-train.js [--epochs N] [--hidden H] [--intermediate I]
 *      [--heads N] [--vocab V] [--max-length L] [--lr X] [--batch B] [--warmup F] [--dropout P]
 *      [--layers N] [--limit N] [--backend wasm] [--seed S]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { MemoryCache } from '../src/executor/memory-cache.js';
import { ExecContext } from '../src/executor/node-context.js';
import { datasetJsonlNode as datasetJsonlNodeDecl } from '../src/nodes/dataset.js';
import { evaluateNode as evaluateNodeDecl } from '../src/nodes/evaluate.js';
import { trainNode as trainNodeDecl } from '../src/nodes/model.js';
import { wordpieceNode as wordpieceNodeDecl } from '../src/nodes/tokenizer.js';
import type { Artifact, Manifest, NodeType, PortType, Progress } from '../src/artifacts/index.js';
import { sharedDir } from '../test/util/shared.js';
import { nodeType } from '../test/util/node-types.js';

const datasetJsonlNode = nodeType(datasetJsonlNodeDecl);
const evaluateNode = nodeType(evaluateNodeDecl);
const trainNode = nodeType(trainNodeDecl);
const wordpieceNode = nodeType(wordpieceNodeDecl);

const TARGET = 0.75;

function artifact(type: PortType, manifest: Manifest, node: string): Artifact {
  return { type, manifest, digest: node, from: { node, port: type } };
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      epochs: { type: 'string', default: '3' },
      hidden: { type: 'string', default: '128' },
      intermediate: { type: 'string' },
      heads: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '0.1' },
      dropout: { type: 'string', default: '0.1' },
      layers: { type: 'string', default: '4' },
      vocab: { type: 'string', default: '5000' },
      'max-length': { type: 'string', default: '32' },
      lr: { type: 'string', default: '0.001' },
      batch: { type: 'string', default: '32' },
      limit: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
      seed: { type: 'string', default: '42' },
    },
  });
  if (!sharedDir) {
    console.log('skipped: ../shared/data/agnews is absent');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'lf-agnews-'));
  const cache = new MemoryCache();
  const pipelineDir = process.cwd();
  const dataPath = relative(pipelineDir, join(sharedDir, 'data', 'agnews', 'data.jsonl'));
  let lastLine = 0;
  const ctx = (nodeId: string): ExecContext =>
    new ExecContext({
      nodeId,
      pipelineDir,
      tmpDir: work,
      backend: a.backend,
      signal: new AbortController().signal,
      cache,
      logFile: join(work, `${nodeId}.log`),
      onLog: (line) => console.log(`  [${nodeId}] ${line}`),
      onProgress: (p: Progress) => {
        const now = Date.now();
        if (now - lastLine > 15_000 || p.done === p.total) {
          lastLine = now;
          console.log(`  [${nodeId}] ${p.done}/${p.total} ${p.message ?? ''}`);
        }
      },
    });
  const run = async <P>(node: NodeType<P>, id: string, params: P, inputs: Record<string, Artifact>): Promise<[Record<string, Manifest>, number]> => {
    const t0 = performance.now();
    const out = await node.run(ctx(id), params, inputs);
    return [out, (performance.now() - t0) / 1000];
  };
  const seed = Number(a.seed);
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    // 80/20 train/test; validation (8% of all) carved from the 80%.
    const [d, tData] = await run(datasetJsonlNode, 'data', { path: dataPath, train: 0.72, validation: 0.08, test: 0.2, seed, ...(a.limit ? { limit: Number(a.limit) } : {}) }, {});
    const data = artifact('dataset', d.dataset, 'data');
    const [t, tTok] = await run(wordpieceNode, 'tokenizer', { vocab_size: Number(a.vocab), max_length: Number(a['max-length']) }, { data });
    const tokenizer = artifact('tokenizer', t.tokenizer, 'tokenizer');
    const trainParams = {
      layers: Number(a.layers),
      hidden: Number(a.hidden),
      heads: Number(a.heads),
      intermediate: a.intermediate ? Number(a.intermediate) : 4 * Number(a.hidden),
      warmup: Number(a.warmup),
      dropout: Number(a.dropout),
      epochs: Number(a.epochs),
      lr: Number(a.lr),
      batch_size: Number(a.batch),
      seed,
    };
    const [m, tTrain] = await run(trainNode, 'base', trainParams, { data, tokenizer });
    const model = artifact('model', m.model, 'base');
    const [ev, tEval] = await run(evaluateNode, 'eval', { split: 'test' }, { model, data });
    const [evVal] = await run(evaluateNode, 'eval.validation', { split: 'validation' }, { model, data });
    const e = ev.evaluation as { accuracy: number; macroF1: number; numExamples: number; backend: string };
    const v = evVal.evaluation as { accuracy: number };
    const total = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(`\nAG News, ${trainParams.layers} layers, hidden ${trainParams.hidden}, vocab ${a.vocab}, max_length ${a['max-length']}, ${trainParams.epochs} epochs, lr ${trainParams.lr}, batch ${trainParams.batch_size}, backend ${e.backend}`);
    console.log(`  test accuracy ${(e.accuracy * 100).toFixed(2)}% (macro-F1 ${(e.macroF1 * 100).toFixed(2)}%, ${e.numExamples} examples); validation ${(v.accuracy * 100).toFixed(2)}%`);
    console.log(`  wall time: dataset ${tData.toFixed(1)} s, tokenizer ${tTok.toFixed(1)} s, train ${tTrain.toFixed(1)} s, evaluate ${tEval.toFixed(1)} s, total ${total.toFixed(1)} s (CPU ${cpuSeconds.toFixed(1)} s: wall minus time other processes took)`);
    console.log(`  target >= ${TARGET * 100}% test accuracy: ${e.accuracy >= TARGET ? 'met' : 'MISSED'}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

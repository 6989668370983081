/** Run bodies of the dataset family: read the data, split it, store one blob per split. */
import {
  buildSplits,
  defaultDatasetName,
  loadLabelledFile,
  loadSpamAssassin,
  SPAM_ASSASSIN_PACKAGE,
  SPLITS,
  storeDataset,
  type BuiltSplits,
  type DataFormat,
} from '../../ml/data/index.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import type { OutputManifests } from '../../artifacts/types.js';
import { datasetCsvNode, datasetJsonlNode, datasetSpamAssassinNode, type DatasetParams, type SpamAssassinParams } from '../dataset.js';
import { implement } from '../family.js';
import { pipelinePath } from './common.js';

function splitSizes(built: BuiltSplits): string {
  return SPLITS.map((s) => `${s} ${built.splits[s].length}`).join(', ');
}

async function runDataset(ctx: NodeContext, p: DatasetParams, format: DataFormat): Promise<OutputManifests> {
  const labelled = await loadLabelledFile(
    pipelinePath(ctx, p.path),
    p.path,
    format,
    {
      text: p.text_column,
      label: p.label_column,
      ...(p.label_names ? { labelNames: p.label_names } : {}),
      ...(p.label_name_column !== undefined ? { labelNameColumn: p.label_name_column } : { defaultLabelNameColumn: 'label_name' }),
    },
    p.delimiter !== undefined ? { delimiter: p.delimiter } : {},
  );
  const built = buildSplits(labelled, p, p.path);
  ctx.log(`${p.path}: ${labelled.examples.length} rows, ${built.labels.length} classes; ${splitSizes(built)}`);
  const name = p.name ?? defaultDatasetName(p.path);
  return { dataset: await storeDataset(ctx, built.labels, built.splits, built.counts, { path: p.path, digest: labelled.digest }, p.seed, name) };
}

async function runSpamAssassin(ctx: NodeContext, p: SpamAssassinParams): Promise<OutputManifests> {
  ctx.progress({ done: 0, total: 1, message: 'decoding and scrubbing 6,046 messages' });
  const data = await loadSpamAssassin({ task: p.task, minPerClass: p.min_per_class, maxChars: p.max_chars });
  const source = `npm:${SPAM_ASSASSIN_PACKAGE}@${data.version}`;
  const built = buildSplits(data, p, `spam-assassin (${p.task})`);
  const s = data.stats;
  ctx.log(
    `${source} (sha256 ${data.digest}), task ${p.task}: ${s.considered} messages considered, ${data.examples.length} kept` +
      (p.task === 'lists' ? `, ${s.noList} without a list header, ${Object.values(s.smallLists).reduce((a, b) => a + b, 0)} in lists under ${p.min_per_class}` : '') +
      `, ${s.empty} empty after scrubbing, ${s.duplicates} copies`,
  );
  ctx.log(`classes: ${data.labels.map((l, i) => `${l} ${s.perClass[i]}`).join(', ')}; ${splitSizes(built)}`);
  const name = p.name ?? `spam-assassin-${p.task}`;
  return { dataset: await storeDataset(ctx, built.labels, built.splits, built.counts, { path: source, digest: data.digest }, p.seed, name) };
}

export default [
  implement(datasetJsonlNode, (ctx, p) => runDataset(ctx, p, 'jsonl')),
  implement(datasetCsvNode, (ctx, p) => runDataset(ctx, p, 'csv')),
  implement(datasetSpamAssassinNode, runSpamAssassin),
];

/** Run bodies of the dataset family: read the file, split it, store one blob per split. */
import { buildSplits, loadLabelledFile, SPLITS, storeDataset, type DataFormat } from '../../ml/data/index.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import type { OutputManifests } from '../../artifacts/types.js';
import { datasetCsvNode, datasetJsonlNode, type DatasetParams } from '../dataset.js';
import { implement } from '../family.js';
import { pipelinePath } from './common.js';

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
  ctx.log(`${p.path}: ${labelled.examples.length} rows, ${built.labels.length} classes; ` + SPLITS.map((s) => `${s} ${built.splits[s].length}`).join(', '));
  return { dataset: await storeDataset(ctx, built.labels, built.splits, built.counts, { path: p.path, digest: labelled.digest }, p.seed) };
}

export default [implement(datasetJsonlNode, (ctx, p) => runDataset(ctx, p, 'jsonl')), implement(datasetCsvNode, (ctx, p) => runDataset(ctx, p, 'csv'))];

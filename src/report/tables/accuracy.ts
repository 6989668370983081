/**
 * The strategy-by-dataset tables: accuracy of the chosen model (the paper's max-accuracy
 * table, best per dataset in bold), ranks with the mean rank, and % change against the
 * unpruned model.
 */
import { rowCells, type Analysis } from '../analysis.js';
import { mean, standardError } from '../stats.js';
import type { Column, Table, TableRow } from '../table.js';

function selection(a: Analysis): string {
  const how = a.selectOn.length === 1 ? `chosen on ${a.selectOn[0]} accuracy` : `chosen on ${a.selectOn.join(' or ')} accuracy (curves differ)`;
  const drop = a.maxDrop.length > 0 ? `, within a drop of ${a.maxDrop.join(' / ')} from the unpruned model` : '';
  return `Test accuracy (%) of each strategy's chosen pruned model (k ≥ 1 layers removed, ${how}${drop}, ties to the smaller model)`;
}

const strategyColumn: Column = { key: 'strategy', label: 'Strategy', format: 'text' };

export function maxAccuracyTable(a: Analysis): Table {
  const columns: Column[] = [
    strategyColumn,
    ...a.datasets.map((d): Column => ({ key: d.name, label: d.name, format: 'accuracy', description: 'test accuracy (fraction)' })),
    { key: 'mean', label: 'Mean', format: 'accuracy', description: 'mean over the datasets with a curve' },
  ];
  const best = new Map(a.datasets.map((d) => [d.name, Math.max(...a.rows.map((r) => a.cells.get(r.id)?.get(d.name)?.accuracy ?? -Infinity))]));
  const unpruned: TableRow = {
    values: { strategy: 'unpruned', ...Object.fromEntries(a.datasets.map((d) => [d.name, d.unpruned.accuracy])), mean: mean(a.datasets.map((d) => d.unpruned.accuracy)) },
  };
  const rows = a.rows.map((r): TableRow => {
    const cells = rowCells(a, r.id);
    return {
      values: { strategy: r.id, ...Object.fromEntries(a.datasets.map((d) => [d.name, a.cells.get(r.id)?.get(d.name)?.accuracy ?? null])), mean: cells.length ? mean(cells.map((c) => c.accuracy)) : null },
      bold: cells.filter((c) => c.accuracy === best.get(c.dataset)).map((c) => c.dataset),
    };
  });
  return {
    id: 'max-accuracy',
    title: 'Max accuracy per strategy and dataset',
    caption: `${selection(a)}; the unpruned model on top; the best strategy per dataset in bold (ties all bold).`,
    columns,
    rows: [unpruned, ...rows],
  };
}

export function ranksTable(a: Analysis): Table {
  const columns: Column[] = [
    strategyColumn,
    ...a.datasets.map((d): Column => ({ key: d.name, label: d.name, format: 'rank', description: 'rank by test accuracy, best = 1, ties averaged' })),
    { key: 'mean_rank', label: 'Mean rank', format: 'rank' },
  ];
  const bestMean = Math.min(...a.rows.map((r) => a.meanRank.get(r.id) as number));
  return {
    id: 'ranks',
    title: 'Ranks per dataset and mean rank',
    caption: 'Rank of each strategy by the accuracy of its chosen model on each dataset (best = 1, ties get the mean of the ranks they span); the best mean rank in bold.',
    columns,
    rows: a.rows.map((r) => ({
      values: { strategy: r.id, ...Object.fromEntries(a.datasets.map((d) => [d.name, a.cells.get(r.id)?.get(d.name)?.rank ?? null])), mean_rank: a.meanRank.get(r.id) as number },
      bold: a.meanRank.get(r.id) === bestMean ? ['mean_rank'] : [],
    })),
  };
}

export function changeTable(a: Analysis): Table {
  const columns: Column[] = [
    strategyColumn,
    ...a.datasets.map((d): Column => ({ key: d.name, label: d.name, format: 'signed', description: '% change of test accuracy against the unpruned model' })),
    { key: 'mean', label: 'Mean', format: 'signed' },
    { key: 'se', label: 'SE', format: 'fixed2', description: 'standard error of the mean across datasets' },
  ];
  const means = new Map(a.rows.map((r) => [r.id, mean(rowCells(a, r.id).map((c) => c.change))]));
  const top = Math.max(...means.values());
  return {
    id: 'change',
    title: '% change of max accuracy against the unpruned model',
    caption: '100 × (accuracy of the chosen model − unpruned accuracy) / unpruned accuracy, per dataset; mean and standard error across datasets; the best mean in bold.',
    columns,
    rows: a.rows.map((r) => {
      const cells = rowCells(a, r.id);
      return {
        values: {
          strategy: r.id,
          ...Object.fromEntries(a.datasets.map((d) => [d.name, a.cells.get(r.id)?.get(d.name)?.change ?? null])),
          mean: means.get(r.id) as number,
          se: standardError(cells.map((c) => c.change)),
        },
        bold: means.get(r.id) === top ? ['mean'] : [],
      };
    }),
  };
}

/**
 * buildReport: curves, distillations and fusions in, a folder out: report.html (self-contained),
 * report.json (every number and where the files are), tables/<id>.csv|json|md and
 * figures/<id>.svg|png|vl.json. Deterministic: the same input writes the same bytes, so the
 * report node's output caches and diffs cleanly.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyse, type Analysis } from './analysis.js';
import { compare, type Comparisons } from './comparisons.js';
import { distillationRows } from './distillation.js';
import { ReportInputError } from './errors.js';
import { allFigures, renderSpec } from './figures/index.js';
import { reportHtml, type PageFigure } from './html.js';
import { importances } from './importances.js';
import { curveName, type ReportInput } from './input.js';
import { bestPerDataset, summaryLines, type Best } from './summary.js';
import { tableCsv, tableJson, tableMarkdown } from './table.js';
import { allTables } from './tables/index.js';

export const REPORT_FORMAT = 'layerfuse/report@1';

export interface ReportFiles {
  dir: string;
  /** Paths relative to `dir`. */
  html: string;
  json: string;
  tables: Record<string, { csv: string; json: string; md: string }>;
  figures: Record<string, { svg: string; png: string; spec: string }>;
  /** The lines a run prints at its end (best strategy per dataset, the note on n). */
  summary: string[];
  best: Best[];
  warnings: string[];
}

/** Distillations must pair up with the curves: one per dataset and student strategy, on a dataset the curves cover. */
function checkDistillations(input: ReportInput, a: Analysis, warnings: string[]): void {
  const seen = new Set<string>();
  for (const d of input.distillations) {
    const key = `${d.dataset}\u0000${d.strategy ?? ''}`;
    if (seen.has(key)) throw new ReportInputError(`two distillations on dataset ${JSON.stringify(d.dataset)} with student ${JSON.stringify(d.strategy ?? 'student')}; give one per dataset and student strategy`);
    seen.add(key);
    if (!a.datasets.some((x) => x.name === d.dataset)) warnings.push(`distillation on ${d.dataset}: no curve covers that dataset, so it appears in the distillation table only`);
  }
  for (const f of input.fusions) {
    if (!a.datasets.some((x) => x.name === f.dataset)) warnings.push(`fusion ${f.scores.strategy} on ${f.dataset}: no curve covers that dataset`);
  }
  // With one dataset, a test-split evaluation of all the layers is the curves' unpruned model:
  // a different accuracy means a different model, split or engine, which a reader should know.
  const only = a.datasets.length === 1 ? a.datasets[0] : undefined;
  for (const e of input.evaluations ?? []) {
    if (only && e.split === 'test' && JSON.stringify(e.layers) === JSON.stringify(only.unpruned.layers) && e.accuracy !== only.unpruned.accuracy) {
      warnings.push(`evaluation ${e.source}: test accuracy ${e.accuracy} of all ${e.layers.length} layers differs from the curves' unpruned ${only.unpruned.accuracy} (another model, split or engine?)`);
    }
  }
  for (const c of input.curves) {
    // Written by prune nodes that know max_drop: no k met it, so the plain argmax chose.
    if ((c.best as { rule?: string }).rule === 'max-drop-unmet') warnings.push(`${curveName(c)}: no k stayed within max_drop ${c.max_drop}; the most accurate k was chosen instead`);
  }
}

export async function buildReport(input: ReportInput, outDir: string): Promise<ReportFiles> {
  const a = analyse(input);
  const warnings = [...a.warnings];
  checkDistillations(input, a, warnings);
  const datasetOrder = a.datasets.map((d) => d.name);
  const distillations = distillationRows(input.distillations, datasetOrder);
  const imp = importances(input.fusions, datasetOrder);
  const comparisons: Comparisons = compare(a, distillations);
  const tables = allTables(a, distillations, imp, comparisons, input.evaluations ?? []);
  const summary = summaryLines(a, comparisons);

  await mkdir(join(outDir, 'tables'), { recursive: true });
  await mkdir(join(outDir, 'figures'), { recursive: true });
  const files: ReportFiles = { dir: outDir, html: 'report.html', json: 'report.json', tables: {}, figures: {}, summary, best: bestPerDataset(a), warnings };
  for (const t of tables) {
    const f = { csv: `tables/${t.id}.csv`, json: `tables/${t.id}.json`, md: `tables/${t.id}.md` };
    await writeFile(join(outDir, f.csv), tableCsv(t));
    await writeFile(join(outDir, f.json), tableJson(t));
    await writeFile(join(outDir, f.md), tableMarkdown(t));
    files.tables[t.id] = f;
  }
  const page: PageFigure[] = [];
  for (const fig of allFigures(a, distillations, imp)) {
    const r = await renderSpec(fig.spec);
    // A vega warning means a figure may be wrong (a dropped layer, a conflicting scale): say so.
    for (const w of r.warnings) warnings.push(`figure ${fig.id}: ${w}`);
    const f = { svg: `figures/${fig.id}.svg`, png: `figures/${fig.id}.png`, spec: `figures/${fig.id}.vl.json` };
    await writeFile(join(outDir, f.svg), r.svg);
    await writeFile(join(outDir, f.png), r.png);
    await writeFile(join(outDir, f.spec), JSON.stringify(fig.spec, null, 2) + '\n');
    files.figures[fig.id] = f;
    page.push({ figure: fig, png: r.png, width: r.width, height: r.height });
  }
  await writeFile(join(outDir, files.html), reportHtml({ analysis: a, comparisons, tables, figures: page, warnings }));
  const json = {
    format: REPORT_FORMAT,
    pipeline: input.pipeline,
    select_on: a.selectOn,
    max_drop: a.maxDrop,
    datasets: a.datasets.map((d) => ({ name: d.name, unpruned: d.unpruned })),
    strategies: a.rows.map((r) => ({ id: r.id, strategy: r.strategy, kind: r.kind, family: r.family, mean_rank: a.meanRank.get(r.id) })),
    best: files.best,
    statistics: { n: comparisons.n, applicable: comparisons.applicable, min_p: comparisons.minP, note: comparisons.note, tests: comparisons.rows },
    summary,
    warnings,
    files: { html: files.html, tables: files.tables, figures: files.figures },
  };
  await writeFile(join(outDir, files.json), JSON.stringify(json, null, 2) + '\n');
  return files;
}

/**
 * The report as one self-contained HTML page: inline CSS, figures as PNG data URIs (the same
 * pixels as figures/*.png, fonts included), every table, the pipeline's name, params and the
 * keys of its inputs. It makes no request when opened; the links to the CSV/JSON/Markdown and
 * SVG files are relative, for when the folder travels together.
 */
import type { Analysis } from './analysis.js';
import type { Comparisons } from './comparisons.js';
import type { Figure } from './figures/figure.js';
import { escapeHtml as esc, tableHtml, type Table } from './table.js';

export interface PageFigure {
  figure: Figure;
  png: Buffer;
  width: number;
  height: number;
}

interface Section {
  id: string;
  title: string;
  intro?: string;
  tables: string[];
  figures: string[];
  /** Tables shown collapsed (long, secondary). */
  collapsed?: string[];
}

const SECTIONS: Section[] = [
  { id: 'accuracy', title: 'Max accuracy', tables: ['max-accuracy'], figures: ['accuracy-curves'] },
  { id: 'ranks', title: 'Ranks', tables: ['ranks'], figures: ['mean-rank'] },
  { id: 'change', title: 'Change against the unpruned model', tables: ['change'], figures: ['change'] },
  { id: 'size', title: 'Size and accuracy-to-size ratio', tables: ['size'], figures: ['size-ratio'], collapsed: ['size'] },
  { id: 'distillation', title: 'Distillation', tables: ['distillation'], figures: ['distillation'] },
  { id: 'importances', title: 'Signal importances', tables: ['importances', 'importances-by-dataset'], figures: ['importances'], collapsed: ['importances-by-dataset'] },
  { id: 'order', title: 'Layer-removal order', tables: [], figures: ['heatmap-'] },
  { id: 'statistics', title: 'Statistics across datasets', tables: ['wilcoxon'], figures: [], collapsed: [] },
  { id: 'evaluations', title: 'Evaluations', tables: ['evaluations'], figures: [] },
];

const CSS = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --band: #f6f8fa; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 40px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 4px; }
p { margin: 6px 0; }
.meta, .caption, .files, .note-list { color: var(--muted); font-size: 13.5px; }
nav ol { columns: 3; padding-left: 20px; margin: 8px 0 0; font-size: 14px; }
a { color: var(--accent); }
.callout { background: #fff8e1; border: 1px solid #f0d98c; border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
.warn { background: #fdecea; border-color: #f4b4ad; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 13.5px; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
thead th { background: var(--band); border-bottom: 2px solid #c3ccd5; position: sticky; top: 0; }
tbody tr:nth-child(even) { background: #fbfcfd; }
td.num, th.num { text-align: right; }
td.wrap { white-space: normal; min-width: 320px; }
td.empty { color: var(--muted); font-style: italic; }
figure { margin: 16px 0 8px; }
.figure-grid { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; }
.figure-grid figure { flex: 0 1 auto; }
.figure-grid figcaption { max-width: 480px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
figcaption { color: var(--muted); font-size: 13.5px; margin-top: 6px; max-width: 980px; }
details { margin: 10px 0; }
summary { cursor: pointer; color: var(--accent); }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 14px; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; word-break: break-all; }
`;

function tableBlock(t: Table, collapsed: boolean): string {
  const files = ['csv', 'json', 'md'].map((ext) => `<a href="tables/${esc(t.id)}.${ext}">${ext === 'md' ? 'Markdown' : ext.toUpperCase()}</a>`).join(' · ');
  const notes = (t.notes ?? []).map((n) => `<p class="caption">${esc(n)}</p>`).join('\n');
  const body = `<div class="scroll">\n${tableHtml(t)}\n</div>\n${notes}\n<p class="files">${files}</p>`;
  const head = `<h3 id="h-${esc(t.id)}">${esc(t.title)}</h3>\n<p class="caption">${esc(t.caption)}</p>`;
  return collapsed ? `${head}\n<details><summary>Show the table (${t.rows.length} rows)</summary>\n${body}\n</details>` : `${head}\n${body}`;
}

function figureBlock(f: PageFigure): string {
  const id = esc(f.figure.id);
  const src = `data:image/png;base64,${f.png.toString('base64')}`;
  const files = `<a href="figures/${id}.svg">SVG</a> · <a href="figures/${id}.png">PNG</a> · <a href="figures/${id}.vl.json">Vega-Lite spec</a>`;
  return `<figure id="figure-${id}" data-figure="${id}">\n<img src="${src}" width="${Math.round(f.width)}" height="${Math.round(f.height)}" alt="${esc(f.figure.title)}">\n<figcaption>${esc(f.figure.caption)} <span class="files">${files}</span></figcaption>\n</figure>`;
}

function kv(entries: Array<[string, string]>): string {
  if (entries.length === 0) return '<p class="caption">(none)</p>';
  return `<dl class="kv">\n${entries.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('\n')}\n</dl>`;
}

export function reportHtml(opts: { analysis: Analysis; comparisons: Comparisons; tables: Table[]; figures: PageFigure[]; warnings: string[] }): string {
  const { analysis: a, comparisons: c } = opts;
  const byId = new Map(opts.tables.map((t) => [t.id, t]));
  // A section with nothing to show (no evaluations given) is left out, and so is its contents line.
  const shown = SECTIONS.filter((s) => s.tables.some((id) => byId.has(id)) || opts.figures.some((f) => s.figures.some((p) => (p.endsWith('-') ? f.figure.id.startsWith(p) : f.figure.id === p))));
  const sections = shown.map((s) => {
    const figs = opts.figures.filter((f) => s.figures.some((p) => (p.endsWith('-') ? f.figure.id.startsWith(p) : f.figure.id === p)));
    const tables = s.tables.flatMap((id) => {
      const t = byId.get(id);
      return t ? [tableBlock(t, s.collapsed?.includes(id) ?? false)] : [];
    });
    // Several figures of one kind (a heatmap per dataset) sit side by side where the page is wide enough.
    const body = figs.length > 1 ? `<div class="figure-grid">\n${figs.map(figureBlock).join('\n')}\n</div>` : figs.map(figureBlock).join('\n');
    return `<section id="${s.id}">\n<h2>${esc(s.title)}</h2>\n${tables.join('\n')}\n${body}\n</section>`;
  });
  const selectOn = a.selectOn.join(', ');
  const engines = [...new Set(a.curves.map((x) => x.engine))].sort().join(', ');
  const warnings = opts.warnings.length > 0 ? `<div class="callout warn"><strong>Warnings</strong><ul class="note-list">${opts.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>` : '';
  const params = Object.entries(a.pipeline.params).map(([k, v]): [string, string] => [k, JSON.stringify(v)]);
  const keys = Object.entries(a.pipeline.keys).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(a.pipeline.name)}: layerfuse report</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${esc(a.pipeline.name)}</h1>
<p class="meta">layerfuse report · ${a.datasets.length} dataset${a.datasets.length === 1 ? '' : 's'} (${esc(a.datasets.map((d) => d.name).join(', '))}) · ${a.rows.length} strategies · best k chosen on <strong>${esc(selectOn)}</strong>${a.maxDrop.length ? ` within a drop of ${esc(a.maxDrop.join(' / '))}` : ''} · engine ${esc(engines)}</p>
</header>
<nav><ol>${[...shown.map((s) => `<li><a href="#${s.id}">${esc(s.title)}</a></li>`), '<li><a href="#pipeline">Pipeline and inputs</a></li>'].join('')}</ol></nav>
<section id="summary">
<h2>Summary</h2>
${byId.has('best') ? tableBlock(byId.get('best') as Table, false) : ''}
<p class="callout" id="significance">${esc(c.note)}</p>
${warnings}
</section>
${sections.join('\n')}
<section id="pipeline">
<h2>Pipeline and inputs</h2>
<p>Pipeline <strong>${esc(a.pipeline.name)}</strong>; best k chosen on <strong>${esc(selectOn)}</strong>; n = ${a.datasets.length} dataset${a.datasets.length === 1 ? '' : 's'}.</p>
<h3>Params</h3>
${kv(params)}
<h3>Inputs and their cache keys</h3>
${keys.length > 12 ? `<details><summary>${keys.length} inputs</summary>\n${kv(keys)}\n</details>` : kv(keys)}
</section>
</main>
</body>
</html>
`;
}

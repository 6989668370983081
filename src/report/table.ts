/**
 * One table, four renderings: CSV (raw values, for spreadsheets and scripts), JSON (raw values
 * plus columns and emphasis), Markdown and HTML (formatted, best values in bold). Tables are
 * built once from the analysis; only the renderers differ.
 */
import { stringify } from 'csv-stringify/sync';

export type Value = string | number | boolean | null | number[];

/**
 * How a number reads in Markdown and HTML. `accuracy`: a fraction shown as percent with two
 * decimals; `signed`: a signed value with two decimals (% changes, percentage points);
 * `count`: an integer with thousands separators; `fixed2`: two decimals; `rank`: up to two
 * decimals; `p`: a p-value; `text`: as is. Signs are ASCII, so that a pasted table parses.
 */
export type Format = 'text' | 'accuracy' | 'signed' | 'count' | 'fixed2' | 'rank' | 'p' | 'layers' | 'mark';

export interface Column {
  key: string;
  label: string;
  format: Format;
  /** What the raw value means (units), for the JSON. */
  description?: string;
  /** Long text: HTML lets it wrap instead of widening the table. */
  wrap?: boolean;
}

export interface TableRow {
  values: Record<string, Value>;
  /** Column keys shown in bold (Markdown, HTML). */
  bold?: string[];
}

export interface Table {
  /** File stem: tables/<id>.csv|json|md. */
  id: string;
  title: string;
  /** A sentence on what is shown and how it was computed. */
  caption: string;
  columns: Column[];
  rows: TableRow[];
  /** Extra notes shown under the table. */
  notes?: string[];
}

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const FIXED2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * Twelve significant digits: drops the float noise of derived values (0.6499999999999999 for a
 * mean of 0.7 and 0.6) without touching any digit a count, accuracy or p-value really has.
 */
export function tidy(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(12)) : v;
}

export function formatValue(v: Value, format: Format): string {
  if (v === null) return '–';
  if (Array.isArray(v)) return v.join(' ');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '–';
  v = tidy(v);
  switch (format) {
    case 'accuracy':
      return (100 * v).toFixed(2);
    case 'signed':
      return (v > 0 ? '+' : v < 0 ? '-' : '') + Math.abs(v).toFixed(2);
    case 'count':
      return COUNT.format(v);
    case 'fixed2':
      return FIXED2.format(v);
    case 'rank':
      return String(Number(v.toFixed(2)));
    case 'p':
      return v >= 0.001 ? v.toFixed(3) : v.toExponential(1);
    case 'mark':
    case 'layers':
    case 'text':
      return String(v);
  }
}

function csvValue(v: Value): string | number {
  if (v === null) return '';
  if (Array.isArray(v)) return v.join(' ');
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return typeof v === 'number' ? tidy(v) : v;
}

/** Raw values, a header of column keys, RFC 4180 quoting, LF line ends. */
export function tableCsv(t: Table): string {
  const records = [t.columns.map((c) => c.key), ...t.rows.map((r) => t.columns.map((c) => csvValue(r.values[c.key] ?? null)))];
  return stringify(records, { record_delimiter: 'unix' });
}

export function tableJson(t: Table): string {
  const out = {
    id: t.id,
    title: t.title,
    caption: t.caption,
    columns: t.columns.map((c) => ({ key: c.key, label: c.label, ...(c.description ? { description: c.description } : {}) })),
    rows: t.rows.map((r) => Object.fromEntries(t.columns.map((c) => {
      const v = r.values[c.key] ?? null;
      return [c.key, typeof v === 'number' ? tidy(v) : v];
    }))),
    bold: t.rows.flatMap((r, i) => (r.bold ?? []).map((column) => ({ row: i, column }))),
    notes: t.notes ?? [],
  };
  return JSON.stringify(out, null, 2) + '\n';
}

const isNumeric = (c: Column): boolean => c.format !== 'text' && c.format !== 'layers' && c.format !== 'mark';

function mdEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\*/g, '\\*').replace(/\n/g, ' ');
}

export function tableMarkdown(t: Table): string {
  const head = `| ${t.columns.map((c) => mdEscape(c.label)).join(' | ')} |`;
  const rule = `|${t.columns.map((c) => (isNumeric(c) ? '---:' : ':---')).join('|')}|`;
  const body = t.rows.map((r) => {
    const cells = t.columns.map((c) => {
      const s = mdEscape(formatValue(r.values[c.key] ?? null, c.format));
      return r.bold?.includes(c.key) ? `**${s}**` : s;
    });
    return `| ${cells.join(' | ')} |`;
  });
  const parts = [`### ${t.title}`, '', t.caption, ''];
  if (t.rows.length === 0) parts.push('(no rows)');
  else parts.push(head, rule, ...body);
  for (const n of t.notes ?? []) parts.push('', n);
  return parts.join('\n') + '\n';
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A <table> with the caption; files are linked by the page. */
export function tableHtml(t: Table): string {
  const head = t.columns.map((c) => `<th${isNumeric(c) ? ' class="num"' : ''} scope="col">${escapeHtml(c.label)}</th>`).join('');
  const body = t.rows
    .map((r) => {
      const cells = t.columns.map((c) => {
        const s = escapeHtml(formatValue(r.values[c.key] ?? null, c.format));
        const inner = r.bold?.includes(c.key) ? `<strong>${s}</strong>` : s;
        const cls = isNumeric(c) ? ' class="num"' : c.wrap ? ' class="wrap"' : '';
        return `<td${cls}>${inner}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  const empty = t.rows.length === 0 ? `<tr><td colspan="${t.columns.length}" class="empty">no rows</td></tr>` : body;
  return `<table id="table-${escapeHtml(t.id)}" data-table="${escapeHtml(t.id)}">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${empty}\n</tbody>\n</table>`;
}

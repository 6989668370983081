/**
 * The one diagnostic printer (house style, after wireit's `error.ts`):
 *
 *     pipelines/x.yaml:7:11: error: node `base`: unknown node type `model/trian`; did you mean `model/train`?
 *         uses: model/trian
 *               ^~~~~~~~~~~
 *
 * Related locations follow, indented by four spaces, in the same shape. Paths print relative to
 * the current directory when inside it. A multi-line range is underlined to the end of its
 * first line.
 */
import { isAbsolute, relative } from 'node:path';
import type { Diagnostic, Location } from './types.js';

function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function lineText(text: string, offset: number): { line: string; col0: number } {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  if (end === -1) end = text.length;
  let line = text.slice(start, end);
  if (line.endsWith('\r')) line = line.slice(0, -1);
  return { line, col0: offset - start };
}

function block(loc: Location, head: string, sources: Map<string, string>, indent: string): string[] {
  const r = loc.range;
  const where = r ? `${displayPath(loc.file)}:${r.start.line}:${r.start.col}` : displayPath(loc.file);
  const out = [`${indent}${where}: ${head}`];
  const text = sources.get(loc.file);
  if (r && text !== undefined) {
    const { line, col0 } = lineText(text, r.offset);
    // Keep tabs so the squiggle lines up with the printed source line.
    const pad = line.slice(0, col0).replace(/[^\t]/g, ' ');
    const width = Math.max(1, Math.min(r.length, line.length - col0));
    out.push(`${indent}    ${line}`);
    out.push(`${indent}    ${pad}^${'~'.repeat(width - 1)}`);
  }
  return out;
}

export function formatDiagnostic(d: Diagnostic, sources: Map<string, string>): string {
  const lines = block(d.location, `${d.severity}: ${d.message}`, sources, '');
  for (const rel of d.related ?? []) lines.push(...block(rel.location, rel.message, sources, '    '));
  return lines.join('\n') + '\n';
}

export function formatDiagnostics(diags: Diagnostic[], sources: Map<string, string>): string {
  return diags.map((d) => formatDiagnostic(d, sources)).join('');
}

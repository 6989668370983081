/**
 * Vega lays out axes, legends and titles from text widths. Without a canvas (headless, no
 * node-canvas) it guesses 0.8 em per character, far wider than DejaVu Sans, which leaves gaps
 * and pushes axis titles away. This measures with the font's own advance widths (opentype.js),
 * through the hook vega-scenegraph offers for that (`textMetrics.width`, as vl-convert does).
 */
import { readFileSync } from 'node:fs';
import opentype, { type Font } from 'opentype.js';
import * as vega from 'vega';
import { fontFiles } from './fonts.js';

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  text?: unknown;
}

interface TextMetrics {
  width: (item: TextItem, text?: unknown) => number;
}

let fonts: { regular: Font; bold: Font } | undefined;

function load(path: string): Font {
  const b = readFileSync(path);
  return opentype.parse(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

function isBold(w: string | number | undefined): boolean {
  if (w === undefined) return false;
  if (typeof w === 'number') return w >= 600;
  return w === 'bold' || w === 'bolder' || Number(w) >= 600;
}

/**
 * Sum of glyph advances plus pair kerning, in font units. Glyph by glyph on purpose: the
 * font's shaping path (opentype.js `getAdvanceWidth`) throws on a DejaVu GSUB lookup it does
 * not support, and labels here are plain text that needs no shaping.
 */
function advance(font: Font, text: string): number {
  let w = 0;
  let prev: ReturnType<Font['charToGlyph']> | undefined;
  for (const ch of text) {
    const g = font.charToGlyph(ch);
    w += g.advanceWidth ?? 0;
    if (prev) w += font.getKerningValue(prev, g);
    prev = g;
  }
  return w;
}

const cache = new Map<string, number>();

/** Width in pixels of `text` set in DejaVu Sans at `size` (bold or regular). */
export function measureText(text: string, size: number, bold = false): number {
  fonts ??= { regular: load(fontFiles().regular), bold: load(fontFiles().bold) };
  const key = `${bold ? 'b' : 'r'}${size}|${text}`;
  let w = cache.get(key);
  if (w === undefined) {
    w = advance(bold ? fonts.bold : fonts.regular, text) * (size / (bold ? fonts.bold : fonts.regular).unitsPerEm);
    cache.set(key, w);
  }
  return w;
}

let installed = false;

/** Make vega measure text with DejaVu Sans from now on (process-wide; idempotent). */
export function installTextMetrics(): void {
  if (installed) return;
  const metrics = (vega as unknown as { textMetrics: TextMetrics }).textMetrics;
  metrics.width = (item, text) => {
    const raw = text ?? item.text;
    const s = raw == null ? '' : (Array.isArray(raw) ? raw.join(' ') : String(raw)).trim();
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    return size <= 0 || s === '' ? 0 : measureText(s, size, isBold(item.fontWeight));
  };
  installed = true;
}

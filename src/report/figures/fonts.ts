/**
 * The one typeface of every figure: DejaVu Sans (regular and bold), loaded from the
 * `dejavu-fonts-ttf` package rather than the system, so a figure renders the same with or
 * without fonts installed (a bare container has none, and resvg then drops all text), and so
 * text is measured with the very font that draws it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The family name the specs ask for; fallbacks are for SVGs opened elsewhere (Verdana shares DejaVu's metrics closely). */
export const FONT_FAMILY = 'DejaVu Sans';
export const FONT_STACK = `${FONT_FAMILY}, Verdana, sans-serif`;

export interface FontFiles {
  regular: string;
  bold: string;
}

let cached: FontFiles | undefined;

export function fontFiles(): FontFiles {
  if (!cached) {
    const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    cached = { regular: join(dir, 'DejaVuSans.ttf'), bold: join(dir, 'DejaVuSans-Bold.ttf') };
  }
  return cached;
}

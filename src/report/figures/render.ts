/**
 * Vega-Lite spec -> SVG (vega's headless View, renderer 'none', no browser) -> PNG (resvg, with
 * the bundled DejaVu fonts and no system fonts, so the PNG is the same on every machine).
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { FONT_FAMILY, fontFiles } from './fonts.js';
import { installTextMetrics } from './text-metrics.js';

export interface Rendered {
  /** Warnings of vega-lite and vega (conflicting legends, dropped data...); a good figure has none. */
  warnings: string[];
  svg: string;
  png: Buffer;
  width: number;
  height: number;
}

/** PNG pixels per SVG unit: 2 keeps text sharp on high-density screens and in print. */
export const PNG_SCALE = 2;

/** vega's logger interface, collecting instead of printing (no console outside the CLI's output). */
function collector(warnings: string[]): vega.LoggerInterface {
  let level = vega.Warn;
  const put = (kind: string) => (...args: readonly unknown[]) => {
    warnings.push(`${kind}: ${args.map(String).join(' ')}`);
    return logger;
  };
  const logger: vega.LoggerInterface = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: put('error'),
    warn: put('warning'),
    info: () => logger,
    debug: () => logger,
  } as vega.LoggerInterface;
  return logger;
}

export async function renderSpec(spec: TopLevelSpec): Promise<Rendered> {
  installTextMetrics();
  const warnings: string[] = [];
  const logger = collector(warnings);
  const compiled = compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  try {
    const svg = await view.toSVG();
    const r = rasterize(svg);
    return { warnings, svg, png: r.png, width: r.width, height: r.height };
  } finally {
    view.finalize();
  }
}

export interface Raster {
  png: Buffer;
  /** RGBA, PNG_SCALE pixels per SVG unit. */
  pixels: Buffer;
  /** In SVG units (CSS pixels). */
  width: number;
  height: number;
}

/** SVG -> PNG at PNG_SCALE with the bundled fonts only (no system fonts: same pixels everywhere). */
export function rasterize(svg: string): Raster {
  const f = fontFiles();
  const resvg = new Resvg(svg, {
    font: { fontFiles: [f.regular, f.bold], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    background: 'white',
  });
  const img = resvg.render();
  return { png: img.asPng(), pixels: img.pixels, width: img.width / PNG_SCALE, height: img.height / PNG_SCALE };
}

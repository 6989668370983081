import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopLevelSpec } from 'vega-lite';
import { rasterize, renderSpec } from '../../../src/report/figures/render.js';
import { measureText } from '../../../src/report/figures/text-metrics.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Pixels darker than mid-grey in rows [y0, y1) of an RGBA raster `width` pixels wide. */
function darkPixels(pixels: Buffer, width: number, y0: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      if ((pixels[i] as number) < 128 && (pixels[i + 1] as number) < 128 && (pixels[i + 2] as number) < 128) n++;
    }
  }
  return n;
}

void test('text renders in the PNG with the bundled font, under its own name and the generic sans-serif', () => {
  for (const family of ['DejaVu Sans', 'sans-serif', 'Helvetica, Arial, sans-serif']) {
    const r = rasterize(`<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="22" font-family="${family}" font-size="18">Hello</text></svg>`);
    assert.equal(r.width, 120);
    assert.ok(darkPixels(r.pixels, 240, 0, 60) > 200, `${family}: text drawn`);
  }
  const blank = rasterize('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"></svg>');
  assert.equal(darkPixels(blank.pixels, 240, 0, 60), 0);
});

void test('text is measured with DejaVu Sans advance widths', () => {
  // DejaVu Sans, 2048 units/em: H 1540, e 1260, l 569, o 1253 -> 5191 units.
  assert.ok(Math.abs(measureText('Hello', 11) - (5191 / 2048) * 11) < 0.3, String(measureText('Hello', 11)));
  assert.ok(measureText('Hello', 11, true) > measureText('Hello', 11));
  assert.ok(Math.abs(measureText('Hello', 22) - 2 * measureText('Hello', 11)) < 1e-9);
});

void test('a Vega-Lite spec renders headless to SVG and PNG, with the title drawn', async () => {
  const spec = {
    title: 'A title',
    data: { values: [{ a: 'x', b: 1 }, { a: 'y', b: 2 }] },
    mark: 'bar',
    encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } },
  } as TopLevelSpec;
  const r = await renderSpec(spec);
  assert.deepEqual(r.warnings, []);
  assert.match(r.svg, /^<svg[^>]+width="\d+"/);
  assert.match(r.svg, />A title</);
  assert.ok(r.png.subarray(0, 8).equals(PNG_MAGIC));
  assert.ok(r.width > 50 && r.height > 50);
});

void test('vega-lite warnings are collected, not printed', async () => {
  const spec = {
    data: { values: [{ a: 1 }] },
    mark: 'point',
    encoding: { x: { field: 'a', type: 'quantitative' }, shape: { field: 'a', type: 'quantitative' } },
  } as TopLevelSpec;
  const r = await renderSpec(spec);
  assert.ok(r.warnings.length > 0, 'a quantitative shape is a warning');
  assert.match(r.warnings[0] ?? '', /^warning: /);
});

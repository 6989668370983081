/**
 * Opens a built report in headless Chromium (Debian's `chromium`, never a downloaded browser)
 * and checks what a reader sees: every figure decoded with a size, no console error, no
 * request leaving the file, every table present with its rows. Skips with a message only
 * where no Chromium is installed (.ci/run installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildReport } from '../../src/report/index.js';
import { realisticInput } from './fixtures/realistic.js';

/** The parts of an HTMLImageElement the checks read (the project compiles without the DOM lib). */
interface Img {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  getBoundingClientRect(): { width: number; height: number };
  closest(selector: string): { getAttribute(name: string): string | null } | null;
  decode(): Promise<void>;
}

/** LAYERFUSE_CHROMIUM, else Debian's /usr/bin/chromium, else a `chromium` on PATH. */
function findChromium(): string {
  if (process.env.LAYERFUSE_CHROMIUM) return process.env.LAYERFUSE_CHROMIUM;
  const onPath = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'chromium'));
  return ['/usr/bin/chromium', ...onPath].find((p) => existsSync(p)) ?? '/usr/bin/chromium';
}

const CHROMIUM = findChromium();
const skip = existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does), which is absent`;

void test('the HTML report in headless Chromium: figures load, no console error, no request out, tables present', { skip, timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-report-browser-'));
  const profile = join(dir, 'profile');
  await mkdir(profile);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1300, height: 900 },
  });
  try {
    const files = await buildReport(realisticInput(), join(dir, 'report'));
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(join(dir, 'report', files.html)).href;
    const response = await page.goto(url, { waitUntil: 'load' });
    assert.ok(response?.ok(), 'page loaded');
    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((u) => u !== url && !u.startsWith('data:')), [], 'no request other than the page itself');

    const figures = await page.$$eval('figure img', (imgs) =>
      imgs.map((i) => {
        const img = i as unknown as Img;
        const box = img.getBoundingClientRect();
        return { id: img.closest('figure')?.getAttribute('data-figure'), complete: img.complete, natural: img.naturalWidth * img.naturalHeight, shown: box.width * box.height };
      }),
    );
    assert.deepEqual(figures.map((f) => f.id), Object.keys(files.figures));
    for (const f of figures) {
      assert.ok(f.complete && f.natural > 0, `figure ${f.id} decoded`);
      assert.ok(f.shown > 10_000, `figure ${f.id} shown with a size`);
    }
    // Every image decodes for real (decode() rejects on a broken image).
    await page.$$eval('figure img', (imgs) => Promise.all(imgs.map((i) => (i as unknown as Img).decode())));

    const tables = await page.$$eval('table[data-table]', (ts) => ts.map((t) => ({ id: t.getAttribute('data-table'), rows: t.querySelectorAll('tbody tr').length })));
    assert.deepEqual(tables.map((t) => t.id), Object.keys(files.tables));
    for (const t of tables) assert.ok(t.rows > 0, `table ${t.id} has rows`);
    const text = await page.textContent('#significance');
    assert.match(text ?? '', /n = 3 datasets/);

    const shot = process.env.LAYERFUSE_REPORT_SCREENSHOT ?? join(dir, 'screenshot.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok((await readFile(shot)).length > 10_000);
  } finally {
    await context.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * Opening a report in Debian's chromium through playwright-core, for the browser test
 * (test/browser/report.test.ts). It lives in the cli package because that is where
 * playwright-core is installed; the test imports it by relative path.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Why the browser test cannot run here, or null when it can. */
export function chromiumUnavailableReason(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} not found (install Debian's chromium: apt-get install chromium)`;
}

export interface PlotCheck {
  id: string;
  /** <svg> elements inside the figure. */
  svgs: number;
  /** Drawn DATA marks (Vega's role-mark groups: lines, areas, ticks, points, rules), not axes, grid or legends. */
  marks: number;
  width: number;
  height: number;
}

export interface PageCheck {
  title: string;
  plots: PlotCheck[];
  katexElements: number;
  katexFontLoaded: boolean;
  claimCells: number;
  /** Pooled (per claim) verdict cells. */
  pooledCells: number;
  /** Text of the generated summary sentence. */
  summary: string;
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  /** Every URL the page requested (only file: and data: are expected). */
  requests: string[];
}

/**
 * Open `indexPath` from disk, wait for it to settle, collect what the test asserts on, and
 * save a full-page screenshot. A fresh user-data-dir per call, removed afterwards.
 */
export async function inspectReport(indexPath: string, screenshotPath: string): Promise<PageCheck> {
  const profile = mkdtempSync(join(tmpdir(), 'hsr-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  const requests: string[] = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    page.on('requestfailed', (req) => failedRequests.push(`${req.url().slice(0, 120)}: ${req.failure()?.errorText ?? 'failed'}`));
    page.on('request', (req) => requests.push(req.url().slice(0, 120)));
    await page.goto(pathToFileURL(indexPath).href, { waitUntil: 'load' });
    await page.evaluate('document.fonts.ready.then(() => true)');
    // Strings, not functions: this package's tsconfig has no DOM library.
    const plots = (await page.evaluate(`Array.from(document.querySelectorAll('figure.plot')).map((f) => {
      const svg = f.querySelector('svg');
      const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      return {
        id: f.getAttribute('data-plot'),
        svgs: f.querySelectorAll('svg').length,
        marks: f.querySelectorAll('g.role-mark:not(.mark-group) > path, g.role-mark:not(.mark-group) > line, g.role-mark:not(.mark-group) > rect').length,
        width: box.width,
        height: box.height,
      };
    })`)) as PlotCheck[];
    const katexElements = (await page.evaluate(`document.querySelectorAll('.katex').length`)) as number;
    const katexFontLoaded = (await page.evaluate(`Array.from(document.fonts).some((f) => f.family.replace(/"/g, '') === 'KaTeX_Main' && f.status === 'loaded')`)) as boolean;
    const claimCells = (await page.evaluate(`document.querySelectorAll('td[data-verdict]').length`)) as number;
    const pooledCells = (await page.evaluate(`document.querySelectorAll('td[data-pooled-verdict]').length`)) as number;
    const summary = (await page.evaluate(`(document.getElementById('summary-sentence') || {}).textContent || ''`)) as string;
    const title = await page.title();
    await page.screenshot({ path: screenshotPath, fullPage: true });
    return { title, plots, katexElements, katexFontLoaded, claimCells, pooledCells, summary, consoleErrors, pageErrors, failedRequests, requests };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

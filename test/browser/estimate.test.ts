/**
 * The `hsr estimate` page in a real browser: Debian chromium (driven by playwright-core) opens
 * a freshly written page from disk and must find every plot drawn with its data marks (lines,
 * bands, theory curves, PyHessian's points), KaTeX typeset with its inlined font, no console or
 * page errors, and no request that is not file: or data:. Saves a screenshot to
 * test/browser/__screenshots__/estimate.png for a human to look at.
 *
 * Where /usr/bin/chromium is absent the test is SKIPPED, loudly (a warning and the reason in
 * the test name); under CI (CI=true, where .ci/run installs chromium) a missing browser FAILS
 * the test instead, as for the report. It never passes without a browser.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { computeEstimateReport, writeEstimatePage } from '../../packages/cli/src/commands/estimate.ts';
import { estimatePlots } from '../../packages/cli/src/estimate/page.ts';
import { chromiumUnavailableReason, inspectReport } from '../../packages/cli/test/report/chromium.ts';

const unavailable = chromiumUnavailableReason();
const skipReason = process.env.CI === 'true' ? null : unavailable;
if (skipReason) console.warn(`SKIPPED test/browser/estimate.test.ts: ${skipReason} (under CI=true this fails instead)`);

const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '__screenshots__');

describe('estimate page in chromium', () => {
  test.skipIf(skipReason !== null)(skipReason === null ? 'every plot is drawn, no errors, no network' : `every plot is drawn (SKIPPED: ${skipReason})`, async () => {
    if (unavailable !== null) throw new Error(`CI=true but ${unavailable}: .ci/run installs chromium, so the browser test must run`);
    const dir = mkdtempSync(join(tmpdir(), 'hsr-estimate-browser-'));
    const args = {
      modelPath: null,
      dataPath: null,
      mnistSamples: null,
      budgets: [1, 3, 10, 30],
      repeats: 10,
      seed: 1,
      sketchMemoryMiB: 512,
      variant: { reduction: 'mean', block: 'all', curvature: 'hessian' } as const,
      out: dir,
    };
    const report = computeEstimateReport(args, 'hsr estimate --matvecs 1,3,10,30 --repeats 10 --seed 1', { tty: false, quiet: true });
    await writeEstimatePage(report, dir);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const screenshot = join(SCREENSHOT_DIR, 'estimate.png');
    const page = await inspectReport(join(dir, 'index.html'), screenshot);
    console.info(`browser test: screenshot at ${screenshot}`);

    expect(page.title).toContain('hsr estimate');
    const plots = estimatePlots(report);
    expect(page.plots.map((p) => p.id).sort()).toEqual(plots.map((p) => p.id).sort());
    // Per error plot: a band and a median line with its point marks for each estimator of the
    // quantity, plus theory and PyHessian marks; at least two data marks per estimator drawn.
    const perPlot = new Map(page.plots.map((p) => [p.id, p]));
    for (const quantity of ['traceH', 'traceH2', 'lambdaMax'] as const) {
      const estimators = report.results.estimators.filter((e) => e.quantity === quantity).length;
      expect(perPlot.get(`error-${quantity}`)!.marks, quantity).toBeGreaterThanOrEqual(2 * estimators);
    }
    // The adaptive-rules plot draws one point per stored PyHessian run, plus the tol rule.
    const runs = report.results.adaptive.reduce((n, a) => n + a.samples.length, 0);
    expect(perPlot.get('adaptive-rules')!.marks).toBe(runs + 1);
    for (const plot of page.plots) {
      expect(plot.svgs, plot.id).toBe(1);
      expect(plot.width, `${plot.id} has no width`).toBeGreaterThan(50);
      expect(plot.height, `${plot.id} has no height`).toBeGreaterThan(20);
    }
    expect(page.katexElements).toBeGreaterThanOrEqual(6);
    expect(page.katexFontLoaded, 'KaTeX_Main from the inlined data: URI').toBe(true);
    expect(page.consoleErrors).toEqual([]);
    expect(page.pageErrors).toEqual([]);
    expect(page.failedRequests).toEqual([]);
    expect(page.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
  });
});

/**
 * The `hsr train --out DIR` page in a real browser: Debian chromium (driven by playwright-core,
 * through the report test's inspector) opens DIR/index.html of a fresh run and must find every
 * curve drawn with its data marks — loss, accuracy, U, lambda_max, lambda_min, the negative
 * mass and ||theta|| — with no console or page errors and no request that is not file: or
 * data:. Saves a screenshot to test/browser/__screenshots__/train.png for a human to look at.
 *
 * Where /usr/bin/chromium is absent the test is SKIPPED, loudly; under CI (CI=true) a missing
 * browser FAILS it instead, as for the report. It never passes without a browser.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { MetricsRecord } from '@hsr/numeric';
import { registerTrain } from '../../packages/cli/src/commands/train.ts';
import { trainingPlots } from '../../packages/cli/src/train/page.ts';
import { chromiumUnavailableReason, inspectReport } from '../../packages/cli/test/report/chromium.ts';
import { runInProcess } from '../../packages/cli/test/runInProcess.ts';

const unavailable = chromiumUnavailableReason();
const skipReason = process.env.CI === 'true' ? null : unavailable;
if (skipReason) console.warn(`SKIPPED test/browser/train.test.ts: ${skipReason} (under CI=true this fails instead)`);

const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '__screenshots__');

describe('training page in chromium', () => {
  test.skipIf(skipReason !== null)(
    skipReason === null ? 'every curve is drawn, no errors, no network' : `every curve is drawn (SKIPPED: ${skipReason})`,
    async () => {
      if (unavailable !== null) throw new Error(`CI=true but ${unavailable}: .ci/run installs chromium, so the browser test must run`);
      const out = join(mkdtempSync(join(tmpdir(), 'hsr-train-browser-')), 'run');
      const r = await runInProcess([registerTrain], ['train', '--data', 'iris', '--method', 'hsr-step', '--batch', '16', '--epochs', '6', '--metrics-every', '2', '--seed', '2', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const screenshot = join(SCREENSHOT_DIR, 'train.png');
      const page = await inspectReport(join(out, 'index.html'), screenshot);
      console.info(`browser test: screenshot at ${screenshot}`);

      const records = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as MetricsRecord);
      expect(records.map((x) => x.epoch)).toEqual([0, 2, 4, 6]);
      expect(page.title).toContain('hsr train');
      const ids = ['loss', 'accuracy', 'bound', 'lambda-max', 'lambda-min', 'negative-mass', 'weight-norm'];
      expect(page.plots.map((p) => p.id)).toEqual(ids);
      expect(trainingPlots(records).map((p) => p.id)).toEqual(ids);
      const perPlot = new Map(page.plots.map((p) => [p.id, p]));
      // A line and one point per record for each series: train and test for loss and accuracy.
      for (const id of ['loss', 'accuracy']) expect(perPlot.get(id)!.marks, id).toBe(2 * (1 + records.length));
      for (const id of ['bound', 'lambda-max', 'lambda-min', 'weight-norm']) expect(perPlot.get(id)!.marks, id).toBe(1 + records.length);
      // The negative mass adds its error band.
      expect(perPlot.get('negative-mass')!.marks).toBe(2 + records.length);
      for (const plot of page.plots) {
        expect(plot.svgs, plot.id).toBe(1);
        expect(plot.width, `${plot.id} has no width`).toBeGreaterThan(50);
        expect(plot.height, `${plot.id} has no height`).toBeGreaterThan(20);
      }
      expect(page.consoleErrors).toEqual([]);
      expect(page.pageErrors).toEqual([]);
      expect(page.failedRequests).toEqual([]);
      expect(page.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    },
    120_000,
  );
});

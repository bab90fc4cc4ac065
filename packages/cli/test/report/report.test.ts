/**
 * Figures and page from synthetic results: every plot renders to an SVG with marks, the band
 * statistics are the seeds' mean/min/max, the page is offline (no http(s) reference, fonts
 * inlined) and its claims table shows the computed verdicts.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { inlineKatexCss } from '@hsr/symbolic/katex';
import { escapeHtml, evaluateClaims, formatValue, historyTrajectory, renderSvg, reportPlots, trajectory, writeReport } from '../../src/report/index.ts';
import { QUICK_SWEEP } from '../../src/report/settings.ts';
import { syntheticDataset, syntheticResults, type FinalValues } from './synthetic.ts';

const v = (lambdaMax: number, testAccuracy = 0.9): FinalValues => ({ lambdaMax, U: lambdaMax + 0.2, testAccuracy });
const ds = syntheticDataset('toy', {
  plain: [v(1.0), v(1.2)],
  'hsr-step': [v(2.0, 0.5), v(2.2, 0.52)],
  'hsr-penalty': [v(0.5), v(0.55)],
  sam: [v(0.9), v(1.1)],
});
const results = syntheticResults([ds]);
const summary = evaluateClaims(results);

describe('trajectory', () => {
  it('is the mean, min and max over seeds at each recorded epoch', () => {
    const t = trajectory(ds, 'plain', 'λmax', (r) => r.lambdaMax);
    expect(t.map((p) => p.epoch)).toEqual([0, 2, 4]);
    const last = t[2]!;
    expect([last.mean, last.lo, last.hi]).toBeAllClose([1.1, 1.0, 1.2], { rtol: RTOL_SAME_FORMULA });
    expect(last.seeds).toBe(2);
  });

  it('leaves out epochs with no finite value instead of plotting zeros', () => {
    const t = trajectory(ds, 'plain', 'none', () => null);
    expect(t).toEqual([]);
  });

  it('reads the per-epoch history too, dropping non-positive values for log axes', () => {
    const t = historyTrajectory(ds, 'plain', '‖∇L‖', (h) => h.gradientNorm.map((g, e) => (e === 1 ? 0 : g)), true);
    expect(t.map((p) => p.epoch)).toEqual([0, 2, 3, 4]);
    expect(t[0]!.mean).toBe(0.5);
  });
});

describe('figures', () => {
  it('renders every figure to an SVG with drawn marks', async () => {
    const plots = reportPlots(results, summary);
    expect(plots.map((p) => p.id)).toEqual([
      'summary-ratios',
      'summary-differences',
      'summary-lambda-max',
      'toy-bounds',
      'toy-spectrum',
      'toy-loss-curvature',
      'toy-gradient-norm',
      'toy-negative-mass',
      'toy-accuracy',
      'toy-weight-norm',
      'toy-relative-sharpness',
      'toy-sweep',
      'toy-escape',
    ]);
    for (const p of plots) {
      const svg = await renderSvg(p.spec);
      expect(svg.startsWith('<svg'), p.id).toBe(true);
      expect(svg, p.id).toMatch(/class="mark-(line|tick|symbol|rule|area)/);
      expect(svg, p.id).not.toMatch(/NaN/);
    }
  });

  it('puts one tick per eigenvalue in the spectrum plot', async () => {
    const spectrum = reportPlots(results, summary).find((p) => p.id === 'toy-spectrum')!;
    const svg = await renderSvg(spectrum.spec);
    // 4 methods x 2 seeds x 7 eigenvalues (synthetic.ts).
    expect((svg.match(/aria-roledescription="tick"/g) ?? []).length).toBe(56);
  });
});

describe('the page', () => {
  it('is offline: no http(s) resource, KaTeX fonts inlined as woff2 data: URIs', () => {
    const css = inlineKatexCss();
    expect(css).not.toMatch(/url\((?!data:)/);
    expect((css.match(/data:font\/woff2;base64,/g) ?? []).length).toBeGreaterThanOrEqual(15);
  });

  it('writes index.html and results.json with the computed verdicts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsr-report-test-'));
    const report = await writeReport(results, dir, 'hsr reproduce --test');
    const html = readFileSync(report.indexPath, 'utf8');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toMatch(/url\(["']?https?:/);
    expect((html.match(/<figure class="plot/g) ?? []).length).toBe(13);
    expect((html.match(/class="katex"/g) ?? []).length).toBeGreaterThanOrEqual(6);
    // hsr-step doubles lambda_max on "toy": the page must say the claim does not hold.
    // hsr-step doubles lambda_max on "toy": with two seeds and Holm over every cell, the cell is
    // not decided, but the pooled test over the two pairs cannot be either; the page shows both.
    expect(html).toContain('data-claim="lambda-max-final" data-method="hsr-step" data-dataset="toy" data-verdict="inconclusive"');
    expect(html).toContain('data-claim="lambda-max-final" data-method="hsr-step" data-pooled-verdict="inconclusive"');
    expect(html).toContain(escapeHtml(summary.sentence));
    // Every cell shows its interval, p, correction and n: the geometric-mean ratio sqrt(2 x 2.2/1.2) - 1 = +91%.
    expect(html).toMatch(/>\+91% \[[^\]]+\]<\/div><div class="pair">p [^,]+, Holm [^,]+, n = 2</);
    expect(html).toContain(`Budget: <b>${QUICK_SWEEP.budget} runs per method</b>`);
    const json = JSON.parse(readFileSync(report.resultsPath, 'utf8'));
    expect(json.schema).toBe('hsr-reproduce/2');
    expect(json.studies[0].runs).toHaveLength(8);
    expect(json.studies[0].runs[2].matched.method.record.lambdaMax).toBe(2);
    expect(json.claims).toEqual(JSON.parse(JSON.stringify(summary)));
  });

  it('escapes text and formats missing values', () => {
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
    expect(formatValue(null)).toBe('–');
    expect(formatValue(NaN)).toBe('–');
    expect(formatValue(0.000012345)).toBe('1.23e-5');
    expect(formatValue(1.23456)).toBe('1.235');
  });
});
